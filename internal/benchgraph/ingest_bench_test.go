package benchgraph

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// worldLogs writes (once per machine, cached under the temp dir) the logs
// of a world with history: the shape the large benchmark graph has, at a
// fifth of its size.
func worldLogs(b *testing.B) string {
	b.Helper()
	opts := synth.Options{Seed: 1, Accounts: 8, Days: 60, Events: 400_000, Flows: 2_000_000, Findings: 200,
		EventsPerObject: 5000, FlowsPerObject: 100_000, Start: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gumshoe-bench-world-w%d-%d-%d", synth.WorldVersion, opts.Events, opts.Flows))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if _, err := synth.Write(dir, opts); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkIngestWorld measures ingest of CloudTrail and of flow logs
// with history (60 days, many principals, keys, sessions and remote
// addresses), which aggregate far less than ingest/'s volume benchmarks:
//
//	go test -run '^$' -bench IngestWorld -benchtime 1x ./internal/benchgraph/
func BenchmarkIngestWorld(b *testing.B) {
	dir := worldLogs(b)
	for _, part := range []struct{ name, sub, unit string }{
		{"cloudtrail", "trail", "events/s"}, {"flows", "flows", "records/s"},
	} {
		b.Run(part.name, func(b *testing.B) {
			ctx := context.Background()
			var records int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, err := store.Open(ctx, filepath.Join(b.TempDir(), "g.db"), store.Options{Write: true})
				if err != nil {
					b.Fatal(err)
				}
				src, err := ingest.NewDirSource(filepath.Join(dir, part.sub))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				records += sum.Total.Ingested.CloudTrailEvents + sum.Total.Ingested.FlowRecords
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), part.unit)
		})
	}
}

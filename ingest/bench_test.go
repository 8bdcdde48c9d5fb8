package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// benchData writes (once per machine, cached under the temp dir) the
// synthetic logs a benchmark reads, and returns their folder.
func benchData(b *testing.B, name string, opts synth.Options) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gumshoe-bench-v2-%s-%d-%d-%d", name, opts.Seed, opts.Events, opts.Flows))
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

// benchIngest measures gzipped files to committed graph, end to end.
func benchIngest(b *testing.B, dir string, perRun func(ingest.Summary) int64, unit string) {
	ctx := context.Background()
	var records int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), "bench.db")
		st, err := store.Open(ctx, db, store.Options{Write: true})
		if err != nil {
			b.Fatal(err)
		}
		src, _ := ingest.NewDirSource(dir)
		in := &ingest.Ingester{Store: st, Sources: []ingest.Source{src}}
		runtime.GC()
		b.StartTimer()
		sum, err := in.Run(ctx)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		records += perRun(sum)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), unit)
}

// BenchmarkIngestCloudTrail: go test -run x -bench IngestCloudTrail -benchtime 3x ./ingest/
func BenchmarkIngestCloudTrail(b *testing.B) {
	dir := benchData(b, "ct", synth.Options{Seed: 1, Accounts: 20, Events: 500_000, EventsPerObject: 2500})
	benchIngest(b, dir, func(s ingest.Summary) int64 { return s.Total.Ingested.CloudTrailEvents }, "events/s")
}

// BenchmarkIngestFlows: go test -run x -bench IngestFlows -benchtime 3x ./ingest/
func BenchmarkIngestFlows(b *testing.B) {
	dir := benchData(b, "flows", synth.Options{Seed: 1, Accounts: 5, Flows: 2_000_000, FlowsPerObject: 50_000})
	benchIngest(b, dir, func(s ingest.Summary) int64 { return s.Total.Ingested.FlowRecords }, "records/s")
}

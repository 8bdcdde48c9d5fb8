package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

// BenchmarkS3Ingest reads an organisation trail from the loopback S3
// server into a new graph: listing, GETs through the SDK, decoding and
// writing. Objects hold 100 events, about what an organisation trail
// delivers per account and Region every five minutes on a quiet day.
func BenchmarkS3Ingest(b *testing.B) {
	awsTestEnv(b)
	f := newFakeS3(b, "bench-logs")
	const perObject = 100
	objects := 0
	for _, account := range orgAccounts {
		for _, region := range orgRegions {
			for d := range 2 {
				for i := range 100 {
					at := orgDay0.AddDate(0, 0, d).Add(time.Duration(i) * 5 * time.Minute)
					f.put(trailKey("", orgID, account, region, at, i), trailObject(account, region, at, i, perObject))
					objects++
				}
			}
		}
	}
	for _, workers := range []int{8, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				ctx := context.Background()
				st, err := store.Open(ctx, filepath.Join(b.TempDir(), "g.db"), store.Options{Write: true})
				if err != nil {
					b.Fatal(err)
				}
				src := testS3Source(b, f, "", S3Options{})
				sum, err := (&Ingester{Store: st, Sources: []Source{src}, Workers: workers}).Run(ctx)
				st.Close()
				if err != nil || sum.Total.FilesRead != int64(objects) || sum.Total.Bad != 0 {
					b.Fatalf("%v: %+v", err, sum.Total)
				}
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(objects*b.N)/secs, "objects/s")
			b.ReportMetric(float64(objects*perObject*b.N)/secs, "events/s")
		})
	}
}

package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/internal/benchgraph"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
	"github.com/gumshoe-sec/gumshoe/store"
)

// The profile benchmarks query the large synthetic graph of
// internal/benchgraph (built once per machine, cached under the temp
// dir) for many entities of each kind and report the distribution of one
// query's latency (p50-ms, p95-ms, max-ms; ns/op is the mean of one
// query). The cases are package perf's, which `gumshoe bench` runs too.
// Each b.N iteration queries every sampled entity once, so run them with
// -benchtime 1x:
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 2h ./store/
//
// GUMSHOE_BENCH_GRAPH sizes the graph (a gen/synth preset, default
// large); GUMSHOE_BENCH_SAMPLES the entities per kind (default 100: the
// 50 busiest and 50 at random, alternating); GUMSHOE_BENCH_BUDGET the
// time one sub-benchmark may take (default 60s) once it has 20 samples,
// so that a panel taking seconds per query ends in minutes. The table at
// the end says how many samples each line has.

func benchBudget() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("GUMSHOE_BENCH_BUDGET")); err == nil && d > 0 {
		return d
	}
	return time.Minute
}

func benchSamples() int {
	if n, err := strconv.Atoi(os.Getenv("GUMSHOE_BENCH_SAMPLES")); err == nil && n > 1 {
		return n
	}
	return 100
}

// runCases runs each case as a sub-benchmark, b.N sweeps of its
// requests within the budget, and prints the table of the lot.
func runCases(b *testing.B, cases []perf.Case, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			t, err := perf.Sweep(context.Background(), c, b.N, benchBudget())
			if err != nil {
				b.Fatal(err)
			}
			benchgraph.Report(b, &t, c.Target)
		})
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

func benchStore(b *testing.B) (*store.Store, perf.SampleFunc) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	fmt.Println(g.Describe())
	return st, g.SampleFunc(b, st, benchSamples())
}

// BenchmarkPanels: every panel of every relevant kind, at scopes of 1
// hour, 1 day, 30 days and 365 days ending with each entity's last
// active hour. The large graph holds 60 days, so a 365-day scope covers
// all of it (and a 30-day scope's baseline reaches back before the data).
func BenchmarkPanels(b *testing.B) {
	st, samples := benchStore(b)
	cases, err := perf.PanelCases(st, samples)
	runCases(b, cases, err)
}

// BenchmarkSearch: what the search prompt takes, by kind of match.
func BenchmarkSearch(b *testing.B) {
	st, samples := benchStore(b)
	cases, err := perf.SearchCases(st, samples)
	runCases(b, cases, err)
}

// BenchmarkPages: the findings list, and the landing page's summary of
// 24 hours for each of the last 30 days.
func BenchmarkPages(b *testing.B) {
	st, _ := benchStore(b)
	cases, err := perf.PageCases(context.Background(), st)
	runCases(b, cases, err)
}

package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/gumshoe-sec/gumshoe/internal/benchgraph"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
)

// The console benchmarks run the cases of measure.go (which `gumshoe
// bench` runs too) on the large synthetic graph of internal/benchgraph,
// and report p50 and p95 (p50-ms, p95-ms; ns/op is the mean of one
// operation):
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 1h ./tui/
//
// GUMSHOE_BENCH_GRAPH sizes the graph (a gen/synth preset, default large).

// runCases runs each case as a sub-benchmark and prints their table.
func runCases(b *testing.B, cases []perf.Case, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			t, err := perf.Sweep(context.Background(), c, b.N, perf.Unbudgeted)
			if err != nil {
				b.Fatal(err)
			}
			benchgraph.Report(b, &t, c.Target)
		})
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

// BenchmarkConsole: j/k and sort on the findings list and on large API
// and flow details tables, tab switches on entity profiles, and opening
// a finding and an involved entity from the findings list, at two
// terminal sizes.
func BenchmarkConsole(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	fmt.Println(g.Describe())
	samples := g.SampleFunc(b, st, 100)
	var cases []perf.Case
	for _, sz := range [][2]int{{120, 40}, {200, 60}} {
		cs, err := ConsoleCases(st, samples, sz[0], sz[1])
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, cs...)
	}
	runCases(b, cases, nil)
}

// BenchmarkProfileOpen: the queries behind opening each kind's profile
// (its first tab's panels at one day of scope, as the console asks) and
// a finding's, without drawing.
func BenchmarkProfileOpen(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	cases, err := perf.ProfileCases(st, g.SampleFunc(b, st, 100), OpenPanels)
	runCases(b, cases, err)
}

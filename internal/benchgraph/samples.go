package benchgraph

import (
	"context"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
	"github.com/gumshoe-sec/gumshoe/store"
)

// Sample is an entity a benchmark queries (see perf.Samples).
type Sample = perf.Sample

// Samples picks n entities of a kind (the busiest half and others at
// random, alternating), cached beside the graph.
func (g *Graph) Samples(tb testing.TB, st *store.Store, kind graph.Kind, n int) []Sample {
	tb.Helper()
	out, err := perf.Samples(context.Background(), st.DB(), g.Dir, kind, n)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// SampleFunc gives a test's samples of each kind, n of them, for the
// cases of package perf.
func (g *Graph) SampleFunc(tb testing.TB, st *store.Store, n int) perf.SampleFunc {
	return func(kind graph.Kind) ([]perf.Sample, error) {
		return g.Samples(tb, st, kind, n), nil
	}
}

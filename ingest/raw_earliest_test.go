package ingest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestEarliestKeepsTheFirstK(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ n, k int }{{0, 3}, {2, 3}, {3, 3}, {7, 1}, {100, 7}, {1000, 50}} {
		items := r.Perm(tc.n)
		e := &earliest[int]{k: tc.k, cmp: cmp.Compare[int]}
		held := 0
		for _, x := range items {
			if e.wants(x) {
				e.add(x)
			}
			held = max(held, len(e.items))
		}
		want := slices.Sorted(slices.Values(items))[:min(tc.n, tc.k)]
		if got := e.result(); !slices.Equal(got, want) {
			t.Errorf("n %d, k %d: %v, want %v", tc.n, tc.k, got, want)
		}
		if held >= 2*max(tc.k, 1) {
			t.Errorf("n %d, k %d: held %d at once", tc.n, tc.k, held)
		}
	}
}

package widgets

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The precomputed natural keys must order exactly as compareNatural does,
// including digits against letters, leading zeros, long numbers and
// prefixes.
func TestNaturalKeyMatchesCompareNatural(t *testing.T) {
	fixed := []string{"", "a", "A", "a1", "a01", "a10", "a9", "i-9", "i-10", "10.0.0.9", "10.0.0.10",
		"x5", "x:", "x/", "007", "7", "0", "000", "12345678", "123456789", "1234567890", "99999999999",
		"role/deploy", "role/Deploy2", "ä1", "-", "*"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "0123456789aZ.:-/ \xc3\xa4"
	for range 3000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		fixed = append(fixed, string(b))
	}
	sign := func(c int) int { return min(max(c, -1), 1) }
	for i, a := range fixed {
		for _, b := range fixed[max(0, i-40) : i+1] {
			want := sign(compareNatural(a, b))
			got := sign(bytes.Compare(appendNaturalKey(nil, a), appendNaturalKey(nil, b)))
			if got != want {
				t.Fatalf("natural key order of %q and %q = %d, compareNatural says %d", a, b, got, want)
			}
		}
	}
}

package demo

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// seed fixes every random choice of the scenario. Change it and every file
// changes; keep it and every run writes the same bytes.
const seed = 0x67756d73686f6521 // "gumshoe!"

// newRand returns the random stream of one part of the scenario (a stream
// name) at one position in it (a day, an hour, a connection). Streams are
// independent, so reshaping one actor's routine leaves every other file as
// it was, and parts can be built in any order or in parallel.
func newRand(stream string, key uint64) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.New(rand.NewPCG(seed^h.Sum64(), key*0x9e3779b97f4a7c15+1))
}

const (
	digits    = "0123456789"
	upper     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower     = "abcdefghijklmnopqrstuvwxyz"
	hexDigits = "0123456789abcdef"
)

func pick(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// uuid returns a version-4 style UUID, the shape of CloudTrail's eventID
// and requestID.
func uuid(r *rand.Rand) string {
	h := pick(r, hexDigits, 32)
	variant := "89ab"[r.IntN(4)]
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string(variant) + h[17:20] + "-" + h[20:32]
}

// tempKey returns a new temporary access key id (ASIA + 16).
func tempKey(r *rand.Rand) string { return "ASIA" + pick(r, upper+digits, 16) }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// oneOf returns one of xs.
func oneOf[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

package perf

import (
	"math"
	"slices"
	"time"
)

// Timings collects the durations of one measured operation, for
// percentiles: a p95 says what a responder waits for on a bad day, which
// a mean hides.
type Timings struct {
	d []time.Duration
}

// Add records one duration.
func (t *Timings) Add(d time.Duration) { t.d = append(t.d, d) }

// Len is how many durations were recorded.
func (t *Timings) Len() int { return len(t.d) }

// Quantile is the nearest-rank q-quantile (0 < q <= 1).
func (t *Timings) Quantile(q float64) time.Duration {
	if len(t.d) == 0 {
		return 0
	}
	s := slices.Clone(t.d)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Mean is the average duration.
func (t *Timings) Mean() time.Duration {
	if len(t.d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range t.d {
		sum += d
	}
	return sum / time.Duration(len(t.d))
}

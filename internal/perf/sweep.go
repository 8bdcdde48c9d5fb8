package perf

import (
	"context"
	"fmt"
	"time"
)

// MinSamples is how many timings a sweep takes before its budget may
// stop it.
const MinSamples = 20

// Unbudgeted is a budget that never stops a sweep.
const Unbudgeted = time.Duration(1<<63 - 1)

// Sweep runs a case's requests in turn, rounds times over, timing each,
// until the budget is spent (once it has MinSamples timings), so that a
// query taking seconds ends in minutes. A few requests run first,
// untimed, to warm the connection pool and the page cache.
func Sweep(ctx context.Context, c Case, rounds int, budget time.Duration) (Timings, error) {
	var t Timings
	for i := 0; i < min(3, c.N); i++ {
		if _, err := c.measure(ctx, i); err != nil {
			return t, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	began := time.Now()
	for r := 0; r < rounds; r++ {
		for i := 0; i < c.N; i++ {
			if t.Len() >= MinSamples && time.Since(began) > budget {
				return t, nil
			}
			if err := ctx.Err(); err != nil {
				return t, err
			}
			d, err := c.measure(ctx, i)
			t.Add(d)
			if err != nil {
				return t, fmt.Errorf("%s: %w", c.Name, err)
			}
		}
	}
	return t, nil
}

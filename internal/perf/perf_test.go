package perf

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestQuantileIsNearestRank(t *testing.T) {
	var tm Timings
	for _, ms := range []int{9, 1, 5, 3, 7, 2, 8, 4, 6, 10} {
		tm.Add(time.Duration(ms) * time.Millisecond)
	}
	for q, want := range map[float64]int{0.5: 5, 0.95: 10, 0.1: 1, 1: 10} {
		if got := tm.Quantile(q); got != time.Duration(want)*time.Millisecond {
			t.Errorf("q%.2f = %v, want %dms", q, got, want)
		}
	}
	if tm.Mean() != 5500*time.Microsecond {
		t.Errorf("mean = %v", tm.Mean())
	}
}

// TestSweepRoundsBudgetAndErrors: a sweep times every request of every
// round, stops on its budget only once it has MinSamples, uses a case's
// own timing when it has one, and names the case in an error.
func TestSweepRoundsBudgetAndErrors(t *testing.T) {
	ctx := context.Background()
	calls := 0
	c := Case{Name: "count", N: 7, Run: func(context.Context, int) error { calls++; return nil }}
	tm, err := Sweep(ctx, c, 3, Unbudgeted)
	if err != nil || tm.Len() != 21 || calls != 3+21 {
		t.Errorf("3 rounds of 7: %d timings, %d calls (3 warm-up), %v", tm.Len(), calls, err)
	}
	slow := Case{Name: "slow", N: 100, Run: func(context.Context, int) error { time.Sleep(time.Millisecond); return nil }}
	if tm, _ := Sweep(ctx, slow, 1, time.Nanosecond); tm.Len() != MinSamples {
		t.Errorf("spent budget: %d timings, want the minimum %d", tm.Len(), MinSamples)
	}
	timed := Case{Name: "timed", N: 2, Timed: func(context.Context, int) (time.Duration, error) { return time.Hour, nil }}
	if tm, _ := Sweep(ctx, timed, 1, Unbudgeted); tm.Quantile(1) != time.Hour {
		t.Errorf("Timed's own durations not used: %v", tm.Quantile(1))
	}
	boom := errors.New("boom")
	failing := Case{Name: "failing", N: 5, Run: func(_ context.Context, i int) error {
		if i == 4 {
			return boom
		}
		return nil
	}}
	if _, err := Sweep(ctx, failing, 1, Unbudgeted); !errors.Is(err, boom) || err.Error() != "failing: boom" {
		t.Errorf("error = %v", err)
	}
}

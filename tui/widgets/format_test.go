package widgets

import (
	"math"
	"testing"
	"time"
)

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{999, "999 B"},
		{1000, "1.0 KB"},
		{1500, "1.5 KB"},
		{999_949, "999.9 KB"},
		{999_950, "1.0 MB"}, // rounding never prints "1000.0 KB"
		{218_000_000, "218.0 MB"},
		{1_500_000_000, "1.5 GB"},
		{math.MaxInt64, "9.2 EB"},
		{-1500, "-1.5 KB"},
		{math.MinInt64, "-9.2 EB"},
	} {
		if got := Bytes(tc.in); got != tc.want {
			t.Errorf("Bytes(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompact(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{999, "999"},
		{1000, "1.0k"},
		{1234, "1.2k"},
		{9949, "9.9k"},
		{9950, "10k"},
		{35_000, "35k"},
		{999_499, "999k"},
		{999_500, "1.0M"},
		{120_000_000, "120M"},
		{math.MaxInt64, "9.2E"},
		{-1234, "-1.2k"},
	} {
		if got := Compact(tc.in); got != tc.want {
			t.Errorf("Compact(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{999, "999"},
		{1234, "1,234"},
		{100_000, "100,000"},
		{-1_234_567, "-1,234,567"},
		{math.MaxInt64, "9,223,372,036,854,775,807"},
		{math.MinInt64, "-9,223,372,036,854,775,808"},
	} {
		if got := Count(tc.in); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTime(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	if got := Time(time.Date(2026, 10, 14, 19, 5, 59, 0, berlin)); got != "2026-10-14 17:05" {
		t.Errorf("Time = %q, want UTC 2026-10-14 17:05", got)
	}
	if got := Time(time.Time{}); got != "-" {
		t.Errorf("Time(zero) = %q, want -", got)
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 10, 14, 17, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{now, "just now"},
		{now.Add(-59 * time.Second), "just now"},
		{now.Add(-5 * time.Minute), "5m ago"},
		{now.Add(-3 * time.Hour), "3h ago"},
		{now.Add(-47 * time.Hour), "47h ago"},
		{now.Add(-12 * 24 * time.Hour), "12d ago"},
		{now.Add(3 * time.Hour), "in 3h"},
		{time.Time{}, "never"},
	} {
		if got := Ago(tc.t, now); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

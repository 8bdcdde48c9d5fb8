package widgets

import (
	"math"
	"strconv"
	"time"
)

// siPrefixes name the powers of 1000 (SI, as Amazon Detective labels flow
// volumes) from 1000^0 up to 1000^6, which int64 cannot pass.
const siPrefixes = " KMGTPE"

// Bytes formats a byte count in SI units with one decimal: "512 B",
// "218.0 MB". One decimal keeps columns of sizes the same width.
func Bytes(n int64) string {
	if n < 0 {
		return "-" + Bytes(absInt64(n))
	}
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, unit := scaleSI(n, 0.05)
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + siPrefixes[unit:unit+1] + "B"
}

// Compact formats a non-negative count in at most four cells for axis
// labels: "999", "1.2k", "35k", "120M".
func Compact(n int64) string {
	if n < 0 {
		return "-" + Compact(absInt64(n))
	}
	if n < 1000 {
		return strconv.FormatInt(n, 10)
	}
	v, unit := scaleSI(n, 0.5)
	prec := 0
	if v < 9.95 {
		prec = 1
	}
	prefix := siPrefixes[unit : unit+1]
	if prefix == "K" { // SI's kilo is lower case; "m" would be milli
		prefix = "k"
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + prefix
}

// scaleSI divides n by the largest power of 1000 that leaves at least 1,
// moving to the next unit when rounding would print "1000" (round is the
// rounding half-step of the caller's precision).
func scaleSI(n int64, round float64) (float64, int) {
	v, unit := float64(n), 0
	for unit < len(siPrefixes)-1 && v >= 1000-round {
		v /= 1000
		unit++
	}
	return v, unit
}

// absInt64 is |n|, saturating at MaxInt64 for MinInt64 (whose absolute value
// does not fit) so formatting never prints garbage.
func absInt64(n int64) int64 {
	if n == math.MinInt64 {
		return math.MaxInt64
	}
	return -n
}

// Count formats a count with thousands separators: "1,234".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// TimeLayout is how the console writes an instant: UTC to the minute, the
// graph's resolution being an hour.
const TimeLayout = "2006-01-02 15:04"

// Time formats t in UTC as "2026-10-14 17:05"; the zero time, which the
// profile API uses for "never", is "-".
func Time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(TimeLayout)
}

// Ago says how long before now t was: "just now", "5m ago", "3h ago",
// "12d ago". now is the graph's newest event, not the wall clock, so an
// investigation of old logs reads the same tomorrow. A t after now reads
// "in 3h".
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	suffix, prefix := " ago", ""
	if d < 0 {
		d, suffix, prefix = -d, "", "in "
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		s = strconv.Itoa(int(d/time.Hour)) + "h"
	default:
		s = strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return prefix + s + suffix
}

package graph

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Scope is the time window under investigation: whole UTC hours,
// half-open [Start, End), from 1 hour to 365 days.
type Scope struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Scope limits.
const (
	MinScope = time.Hour
	MaxScope = 365 * 24 * time.Hour
	// BaselineLength is how far before the scope "normal" is learned.
	BaselineLength = 45 * 24 * time.Hour
	// TrainingLength is how much of an account's data before the scope a
	// baseline needs before anything can be called new.
	TrainingLength = 14 * 24 * time.Hour
)

// NewScope makes a scope covering start..end: start rounds down and end up
// to whole hours, and the length is clamped to the limits (growing end, or
// keeping end and moving start for a too-long scope).
func NewScope(start, end time.Time) Scope {
	s := Scope{Start: floorHour(start), End: ceilHour(end)}
	if s.Length() < MinScope {
		s.End = s.Start.Add(MinScope)
	}
	if s.Length() > MaxScope {
		s.Start = s.End.Add(-MaxScope)
	}
	return s
}

// FindingScope is a finding's default scope: from the hour of its first
// observed activity to the end of the hour of its last.
func FindingScope(first, last time.Time) Scope {
	if last.Before(first) {
		last = first
	}
	return NewScope(first, last.Add(time.Nanosecond))
}

// EntityScope is an entity's default scope: the last 24 hours of data,
// ending with the hour that holds now (the newest event in the graph).
func EntityScope(now time.Time) Scope {
	end := floorHour(now).Add(time.Hour)
	return NewScope(end.Add(-24*time.Hour), end)
}

func floorHour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

func ceilHour(t time.Time) time.Time {
	f := floorHour(t)
	if f.Equal(t.UTC()) {
		return f
	}
	return f.Add(time.Hour)
}

// Length is the scope's duration.
func (s Scope) Length() time.Duration { return s.End.Sub(s.Start) }

// Hours is the number of hours in the scope.
func (s Scope) Hours() int { return int(s.Length() / time.Hour) }

// Contains reports whether t falls in the scope.
func (s Scope) Contains(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// Shift moves the scope by n times its length (negative: back in time).
func (s Scope) Shift(n int) Scope {
	d := time.Duration(n) * s.Length()
	return Scope{Start: s.Start.Add(d), End: s.End.Add(d)}
}

// Widen doubles the scope around its middle, up to MaxScope.
func (s Scope) Widen() Scope {
	half := (s.Length() / 2).Truncate(time.Hour)
	if half < time.Hour {
		half = time.Hour
	}
	return NewScope(s.Start.Add(-half), s.End.Add(half))
}

// Narrow halves the scope around its middle, down to MinScope.
func (s Scope) Narrow() Scope {
	quarter := (s.Length() / 4).Truncate(time.Hour)
	if s.Length() <= MinScope {
		return s
	}
	if quarter == 0 {
		return Scope{Start: s.Start, End: s.Start.Add(time.Hour)}
	}
	return NewScope(s.Start.Add(quarter), s.End.Add(-quarter))
}

// Baseline is the window before the scope against which "new" is judged.
func (s Scope) Baseline() Scope {
	return Scope{Start: s.Start.Add(-BaselineLength), End: s.Start}
}

func (s Scope) String() string {
	return s.Start.Format("2006-01-02T15:04") + ".." + s.End.Format("2006-01-02T15:04")
}

// ParseScope reads a typed scope. now is the graph's newest event time,
// for relative forms. Accepted:
//
//	2026-10-01T10:00..2026-10-01T11:00   (also 2026-10-01T10, 2026-10-01, RFC 3339)
//	1790000000..1790003600               epoch seconds
//	-24h, 24h, 7d, 2w                    the last N hours/days/weeks up to now
func ParseScope(text string, now time.Time) (Scope, error) {
	text = strings.TrimSpace(text)
	if from, to, ok := strings.Cut(text, ".."); ok {
		start, err := ParseInstant(from)
		if err != nil {
			return Scope{}, err
		}
		end, err := ParseInstant(to)
		if err != nil {
			return Scope{}, err
		}
		if !end.After(start) {
			return Scope{}, fmt.Errorf("scope %q ends before it starts", text)
		}
		return checkScope(NewScope(start, end), end.Sub(start))
	}
	d, err := parseLength(strings.TrimPrefix(text, "-"))
	if err != nil {
		return Scope{}, fmt.Errorf("scope %q: want START..END, -24h, 7d or epoch seconds", text)
	}
	end := floorHour(now).Add(time.Hour)
	return checkScope(NewScope(end.Add(-d), end), d)
}

func checkScope(s Scope, asked time.Duration) (Scope, error) {
	if asked > MaxScope {
		return Scope{}, fmt.Errorf("scope of %s is longer than 365 days", asked.Round(time.Hour))
	}
	return s, nil
}

var instantLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02T15", "2006-01-02 15:04", "2006-01-02"}

// ParseInstant reads one time as a scope bound: 2026-10-01T10:00 (and the
// other layouts ParseScope takes) or epoch seconds, in UTC.
func ParseInstant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 100000000 {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range instantLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read time %q (want 2026-10-01T10:00 or epoch seconds)", s)
}

func parseLength(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("no length")
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad length")
	}
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("bad unit")
	}
	return time.Duration(n) * unit, nil
}

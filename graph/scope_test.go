package graph

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFindingScopeIsItsHours(t *testing.T) {
	s := FindingScope(at("2026-10-14T17:05"), at("2026-10-14T17:05"))
	if s.String() != "2026-10-14T17:00..2026-10-14T18:00" {
		t.Errorf("one-moment finding: %s", s)
	}
	s = FindingScope(at("2026-10-14T20:05"), at("2026-10-15T01:40"))
	if s.String() != "2026-10-14T20:00..2026-10-15T02:00" || s.Hours() != 6 {
		t.Errorf("multi-hour finding: %s", s)
	}
	s = FindingScope(at("2026-10-14T20:00"), at("2026-10-14T21:00"))
	if s.String() != "2026-10-14T20:00..2026-10-14T22:00" {
		t.Errorf("activity at 21:00 belongs to the 21:00 hour: %s", s)
	}
}

func TestScopeArithmetic(t *testing.T) {
	base := NewScope(at("2026-10-14T10:00"), at("2026-10-14T14:00"))
	tests := []struct {
		name string
		got  Scope
		want string
	}{
		{"shift forward", base.Shift(1), "2026-10-14T14:00..2026-10-14T18:00"},
		{"shift back", base.Shift(-1), "2026-10-14T06:00..2026-10-14T10:00"},
		{"widen", base.Widen(), "2026-10-14T08:00..2026-10-14T16:00"},
		{"narrow", base.Narrow(), "2026-10-14T11:00..2026-10-14T13:00"},
		{"narrow to an hour", NewScope(at("2026-10-14T10:00"), at("2026-10-14T12:00")).Narrow(), "2026-10-14T10:00..2026-10-14T11:00"},
		{"narrow stops at an hour", NewScope(at("2026-10-14T10:00"), at("2026-10-14T11:00")).Narrow(), "2026-10-14T10:00..2026-10-14T11:00"},
		{"widen an hour", NewScope(at("2026-10-14T10:00"), at("2026-10-14T11:00")).Widen(), "2026-10-14T09:00..2026-10-14T12:00"},
		{"rounding", NewScope(at("2026-10-14T10:30"), at("2026-10-14T10:45")), "2026-10-14T10:00..2026-10-14T11:00"},
		{"baseline", base.Baseline(), "2026-08-30T10:00..2026-10-14T10:00"},
		{"entity default", EntityScope(at("2026-10-16T00:30")), "2026-10-15T01:00..2026-10-16T01:00"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	year := NewScope(at("2025-01-01T00:00"), at("2026-10-14T00:00"))
	if year.Length() != MaxScope || !year.End.Equal(at("2026-10-14T00:00")) {
		t.Errorf("too long a scope keeps its end and 365 days: %s", year)
	}
	if w := NewScope(at("2025-10-14T00:00"), at("2026-10-10T00:00")).Widen(); w.Length() != MaxScope {
		t.Errorf("widen past a year: %s", w)
	}
}

func TestParseScope(t *testing.T) {
	now := at("2026-10-16T00:30")
	tests := map[string]string{
		"2026-10-01T10:00..2026-10-01T11:00": "2026-10-01T10:00..2026-10-01T11:00",
		"2026-10-01T10..2026-10-01T12":       "2026-10-01T10:00..2026-10-01T12:00",
		"2026-10-01..2026-10-02":             "2026-10-01T00:00..2026-10-02T00:00",
		"1790000000..1790003600":             NewScope(time.Unix(1790000000, 0), time.Unix(1790003600, 0)).String(),
		"-24h":                               "2026-10-15T01:00..2026-10-16T01:00",
		"7d":                                 "2026-10-09T01:00..2026-10-16T01:00",
		" 2w ":                               "2026-10-02T01:00..2026-10-16T01:00",
	}
	for in, want := range tests {
		s, err := ParseScope(in, now)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if s.String() != want {
			t.Errorf("%q = %s, want %s", in, s, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-10-02..2026-10-01", "400d", "0h", "-5x", "2026-13-01..2026-13-02", "2024-01-01..2026-01-01"} {
		if s, err := ParseScope(bad, now); err == nil {
			t.Errorf("%q parsed as %s", bad, s)
		}
	}
}

func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"2026-10-01T10:00..2026-10-01T11:00", "-24h", "7d", "1790000000..1790003600", "..", "9999999999999999999d"} {
		f.Add(s)
	}
	now := at("2026-10-16T00:30")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseScope(text, now)
		if err != nil {
			return
		}
		if s.Length() < MinScope || s.Length() > MaxScope || s.Start.Minute() != 0 || s.End.Minute() != 0 {
			t.Fatalf("%q gave an invalid scope %s", text, s)
		}
	})
}

package widgets

import (
	"math"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []int64
		width  int
		want   string
	}{
		{"levels", []int64{0, 1, 2, 4, 8}, 5, " ▁▂▄█"},
		{"small values still show", []int64{1, 1000}, 2, "▁█"},
		{"widened and right-aligned", []int64{1, 2}, 5, " ▄▄██"},
		// 10 values in 4 cells: groups of 3, the oldest value dropped.
		{"grouped, oldest trimmed", []int64{100, 1, 1, 1, 1, 1, 1, 2, 2, 2}, 4, " ▄▄█"},
		{"all zero", []int64{0, 0, 0}, 3, "   "},
		{"negative is zero", []int64{-5, 4}, 2, " █"},
		{"empty", nil, 3, "   "},
		{"no width", []int64{1}, 0, ""},
		{"huge", []int64{math.MaxInt64, math.MaxInt64, 1}, 1, "█"},
	} {
		got := Sparkline(tc.values, tc.width)
		if got != tc.want {
			t.Errorf("%s: Sparkline(%v, %d) = %q, want %q", tc.name, tc.values, tc.width, got, tc.want)
		}
	}
}

func TestSparklineWidth(t *testing.T) {
	for n := 0; n <= 200; n += 7 {
		values := make([]int64, n)
		for i := range values {
			values[i] = int64(i * i % 37)
		}
		for w := -1; w <= 60; w++ {
			if got := lipgloss.Width(Sparkline(values, w)); got != max(w, 0) {
				t.Fatalf("%d values in width %d: %d cells", n, w, got)
			}
		}
	}
}

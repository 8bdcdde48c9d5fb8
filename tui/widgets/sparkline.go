package widgets

import (
	"math"
	"strings"
)

// Sparkline draws values as one row of exactly width cells, oldest left,
// with '▁'..'█' scaled to the largest value. A zero is a blank so quiet
// periods read as gaps, and any non-zero value shows at least '▁'.
//
// More values than cells are summed in groups of equal size, the oldest
// values that do not fill a group being dropped (as k9s trims its
// sparklines), so every cell sums the same span of time. Fewer values are
// widened to equal runs, right-aligned so the newest value ends the line.
func Sparkline(values []int64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(values) == 0 {
		return strings.Repeat(" ", width)
	}
	per := (len(values) + width - 1) / width
	values = values[len(values)%per:]
	sums := make([]int64, 0, len(values)/per)
	for i := 0; i < len(values); i += per {
		var s int64
		for _, v := range values[i : i+per] {
			s = satAdd(s, max(v, 0))
		}
		sums = append(sums, s)
	}
	var peak int64
	for _, s := range sums {
		peak = max(peak, s)
	}
	run := width / len(sums)
	var b strings.Builder
	b.Grow(width * 3)
	b.WriteString(strings.Repeat(" ", width-run*len(sums)))
	for _, s := range sums {
		g := ' '
		if s > 0 {
			g = block(min(max(int(math.Ceil(float64(s)*8/float64(peak))), 1), 8))
		}
		for range run {
			b.WriteRune(g)
		}
	}
	return b.String()
}

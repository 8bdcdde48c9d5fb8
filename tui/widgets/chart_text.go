package widgets

import (
	"math"
	"strconv"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// The chart's text: y-axis labels, the scope bracket, x-axis labels with the
// cursor's caret, and the value line.

// drawYAxis writes the axis line and the peak's label at the top of the plot
// (and 0 at its foot when there is room), so bar heights read as amounts.
// The baseline's row is marked in the gutter too, where bars cannot hide it.
func drawYAxis(c *canvas, l chartLayout, rows chartRows, ys yScale) {
	axis := l.gutter - 1
	for y := rows.plotTop; y < rows.plotTop+rows.plotH; y++ {
		c.set(axis, y, '│', inkDim)
	}
	foot := rows.plotTop + rows.plotH - 1
	if rows.plotH >= 3 {
		c.text(axis-1, foot, "0", inkDim)
		c.set(axis, foot, '┤', inkDim)
	}
	if ys.baseRow >= 0 {
		for x := range axis {
			c.set(x, foot-ys.baseRow, glyphBaseline, inkBase)
		}
		c.set(axis, foot-ys.baseRow, '┤', inkDim)
	}
	top := axisLabel(toInt64(math.Ceil(ys.peak)), l.bytes)
	for x := range axis - len(top) { // the peak's label wins the top row
		c.set(x, rows.plotTop, ' ', inkNone)
	}
	c.text(axis-len(top), rows.plotTop, top, inkDim)
	c.set(axis, rows.plotTop, '┤', inkDim)
}

func axisLabel(n int64, bytes bool) string {
	if bytes {
		return Bytes(n)
	}
	return Compact(n)
}

// toInt64 converts a non-negative float, saturating where int64 ends (a sum
// of two huge series exceeds it; Go leaves that conversion undefined).
func toInt64(f float64) int64 {
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(f)
}

// drawScopeRow underlines every bin holding scope points with '▔', so the
// scope is visible without colour, and labels the row "scope".
func drawScopeRow(c *canvas, l chartLayout, bins []bin, y int) {
	marked := false
	for j, b := range bins {
		if !b.scope {
			continue
		}
		marked = true
		for dx := range l.barW {
			c.set(l.gutter+j*l.barW+dx, y, glyphBracket, inkScope)
		}
	}
	if marked && l.gutter > 0 {
		c.text(l.gutter-1-len("scope"), y, "scope", inkScope)
	}
}

// drawXAxis puts the caret under the cursor's bar, then as many time labels
// as fit without touching each other or the caret, the most telling first:
// the start, day (or month) changes, then round hours. Every label is five
// cells: "10-14" or "17:00".
func drawXAxis(c *canvas, l chartLayout, v graph.Volume, bins []bin, cursorBin, y int) {
	const labelW = 5
	taken := make([]bool, l.plot)
	if cursorBin >= 0 {
		x := cursorBin*l.barW + (l.fillW()-1)/2
		c.set(l.gutter+x, y, glyphCaret, inkCursor)
		taken[x] = true
	}
	daily := v.Interval == "day"
	ranks := make([]int8, len(bins))
	var prev time.Time
	for j, b := range bins {
		t := v.Points[b.lo].Start.UTC()
		ranks[j], prev = tickRank(t, prev, j == 0, daily), t
	}
	for rank := range int8(tickRanks) {
		for j, r := range ranks {
			x := j * l.barW
			if r != rank || !labelFits(taken, x, labelW) {
				continue
			}
			for i := x; i < x+labelW; i++ {
				taken[i] = true
			}
			t, layout := v.Points[bins[j].lo].Start.UTC(), "01-02"
			if !daily && rank >= rankHour {
				layout = "15:04"
			}
			c.text(l.gutter+x, y, t.Format(layout), inkDim)
		}
	}
}

// Label ranks: on hourly charts dates rank below rankHour and are written
// as dates, hours from it; daily charts write dates only.
const (
	rankHour  = 2
	tickRanks = 6
)

// tickRank says how telling a label at t is, after a bar at prev: the
// first bar and day changes (for daily bars month changes, then Mondays)
// before round hours (noon and midnight, then quarters and eighths of a day).
func tickRank(t, prev time.Time, first, daily bool) int8 {
	switch {
	case first:
		return 0
	case daily && t.Month() != prev.Month():
		return 1
	case daily && t.Weekday() == time.Monday:
		return rankHour
	case daily:
		return rankHour + 1
	case t.YearDay() != prev.YearDay():
		return 1
	case t.Hour()%12 == 0:
		return rankHour
	case t.Hour()%6 == 0:
		return rankHour + 1
	case t.Hour()%3 == 0:
		return rankHour + 2
	}
	return rankHour + 3
}

// labelFits says whether n cells from x are inside the plot and two cells
// clear of anything already placed.
func labelFits(taken []bool, x, n int) bool {
	if x+n > len(taken) {
		return false
	}
	for i := max(x-2, 0); i < min(x+n+2, len(taken)); i++ {
		if taken[i] {
			return false
		}
	}
	return true
}

// drawValueLine prints what the cursor's bar sums: its interval, whether it
// is in the scope, both series and the baseline per bar.
func drawValueLine(c *canvas, l chartLayout, v graph.Volume, cursor, cursorBin int, baseline float64, y int) {
	if len(v.Points) == 0 {
		c.text(0, y, "no data in this window", inkDim)
		return
	}
	per, b := 1, sumPoints(v.Points[cursor:cursor+1], cursor)
	if cursorBin >= 0 {
		lo, hi := l.span(cursorBin, len(v.Points))
		per, b = l.per, sumPoints(v.Points[lo:hi], lo)
	} else { // a trimmed point shows alone, against the per-interval baseline
		baseline = v.BaselineA + v.BaselineB
	}
	daily := v.Interval == "day"
	amount := Count
	if l.bytes {
		amount = Bytes
	}
	x := c.text(0, y, spanLabel(v.Points[b.lo].Start, per, daily), inkNone)
	if b.scope {
		x = c.text(x+2, y, "scope", inkScope)
	}
	x = c.text(x+2, y, string(glyphFull), inkA)
	x = c.text(x+1, y, seriesName(v.SeriesA)+" "+amount(b.a), inkNone)
	x = c.text(x+2, y, string(glyphB), inkB)
	x = c.text(x+1, y, seriesName(v.SeriesB)+" "+amount(b.b), inkNone)
	x = c.text(x+2, y, string(glyphBaseline), inkBase)
	unit := "h"
	if daily {
		unit = "d"
	}
	if per > 1 {
		unit = strconv.Itoa(per) + unit
	}
	c.text(x+1, y, "baseline "+rateLabel(baseline, l.bytes)+"/"+unit, inkNone)
}

// seriesName shortens the profile API's series names the way Detective
// labels them.
func seriesName(s string) string {
	switch s {
	case "success":
		return "ok"
	case "failure":
		return "failed"
	}
	return s
}

// spanLabel names the intervals of a bar: "2026-10-14 17:00",
// "2026-10-14 16:00–18:00", "2026-10-01–10-07".
func spanLabel(start time.Time, per int, daily bool) string {
	start = start.UTC()
	if daily {
		s := start.Format("2006-01-02")
		if per > 1 {
			s += "–" + start.AddDate(0, 0, per-1).Format("01-02")
		}
		return s
	}
	s := start.Format(TimeLayout)
	if per > 1 {
		s += "–" + start.Add(time.Duration(per)*time.Hour).Format("15:04")
	}
	return s
}

// rateLabel formats a baseline average: one decimal for small counts,
// where "0.4 per hour" matters.
func rateLabel(r float64, bytes bool) string {
	switch {
	case bytes:
		return Bytes(toInt64(math.Round(r)))
	case r < 9.95:
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return Count(toInt64(math.Round(r)))
}

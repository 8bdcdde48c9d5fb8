package widgets

import (
	"math"

	"github.com/charmbracelet/lipgloss"
	"github.com/gumshoe-sec/gumshoe/graph"
)

// The volume chart draws a graph.Volume as stacked bars: series A (success,
// or bytes in) from the bottom, series B (failure, or bytes out) on top, so
// a bar's height is the interval's total and the baseline marker is the
// baseline of that total (BaselineA + BaselineB). Stacking keeps one bar per
// interval at any width; the value line gives the exact split.
//
// Layout, top to bottom (rows are dropped from the bottom up as the height
// shrinks, the plot last):
//
//	2026-10-14 17:00 [scope]  █ ok 2  ▒ failed 0  ┄ baseline 0.4/h   value line (cursor)
//	   12┤        ▂                                                   plot, y max label
//	     │┄┄┄┄┄┄┄┄█┄┄┄┄                                               baseline marker
//	     │▁ ▃▁  ▅▂█▇▁ ▂                                               bars
//	scope       ▔▔▔▔                                                  scope bracket
//	      10-13 ▲   10-14                                             cursor caret, x labels
//
// Series B is drawn with '▒' in whole cells so failures and outbound bytes
// stay distinct from series A without colour.
const (
	glyphFull     = '█'
	glyphB        = '▒'
	glyphBaseline = '┄'
	glyphBracket  = '▔'
	glyphCaret    = '▲'
)

// block is the cell filled n eighths from the bottom (1..8): Unicode orders
// '▁' (U+2581) to '█' (U+2588) by height.
func block(n int) rune { return 0x2580 + rune(n) }

// Palette indexes of the chart's canvas.
const (
	inkNone uint8 = iota
	inkA
	inkAScope
	inkB
	inkBScope
	inkBase
	inkBaseScope
	inkBaseCursor
	inkScope
	inkCursor
	inkDim
	inkCount
)

// chartLayout is where the bins of a chart go across its width. Chart and
// ChartColumns share it so a caller's cursor maps to the drawn columns.
type chartLayout struct {
	gutter int // cells left of the plot: y labels and the axis line
	plot   int // cells of the plot
	per    int // points summed into one bin
	first  int // index of the first point of bin 0
	bins   int
	barW   int // cells per bin, the last one a gap when barW >= 3
	bytes  bool
}

// isBytes tells a flow chart (series "in"/"out", in bytes) from a call chart.
func isBytes(v graph.Volume) bool { return v.SeriesA == "in" && v.SeriesB == "out" }

// layoutChart fits the points to width. With more points than plot cells it
// sums `per` consecutive points into a bin, aligning bins on the scope's
// first point so that the scope starts on a bin edge, and drops a partial bin
// at either end unless it holds scope points: a bin summing fewer intervals
// than its neighbours would read as a dip. With fewer points it widens bars.
func layoutChart(v graph.Volume, width int) chartLayout {
	l := chartLayout{bytes: isBytes(v), per: 1}
	labelW := len("scope")
	if l.bytes {
		labelW = len("999.9 KB")
	}
	if width >= labelW+1+8 { // keep at least 8 plot cells, else drop the labels
		l.gutter = labelW + 1
	}
	l.plot = max(width-l.gutter, 0)
	n := len(v.Points)
	if n == 0 || l.plot == 0 {
		return l
	}
	if n <= l.plot {
		l.bins, l.barW = n, l.plot/n
		return l
	}
	l.per, l.barW = (n+l.plot-1)/l.plot, 1
	if s := firstInScope(v.Points); s >= 0 {
		l.first = s % l.per
	}
	l.bins = (n - l.first) / l.per
	if tail := v.Points[l.first+l.bins*l.per:]; len(tail) > 0 && firstInScope(tail) >= 0 {
		l.bins++
	}
	return l
}

func firstInScope(points []graph.VolumePoint) int {
	for i, p := range points {
		if p.InScope {
			return i
		}
	}
	return -1
}

// span is the points [lo, hi) of bin j.
func (l chartLayout) span(j, n int) (lo, hi int) {
	lo = l.first + j*l.per
	return lo, min(lo+l.per, n)
}

// binOf is the bin holding point i, or -1 when the point is not drawn.
func (l chartLayout) binOf(i int) int {
	if i < l.first || l.per == 0 {
		return -1
	}
	if j := (i - l.first) / l.per; j < l.bins {
		return j
	}
	return -1
}

// fillW is how many of a bin's cells the bar fills.
func (l chartLayout) fillW() int {
	if l.barW >= 3 {
		return l.barW - 1
	}
	return l.barW
}

// ChartColumns maps each point of v to the first terminal column (from the
// chart's left edge) of the bar that draws it in a chart of this width, or
// -1 for a point that is trimmed off an edge. Points summed into one bar
// share a column: to move a cursor by one bar, step to the next point whose
// column differs.
func ChartColumns(v graph.Volume, width int) []int {
	l := layoutChart(v, width)
	cols := make([]int, len(v.Points))
	for i := range cols {
		cols[i] = -1
		if j := l.binOf(i); j >= 0 {
			cols[i] = l.gutter + j*l.barW
		}
	}
	return cols
}

// bin is the sum of the points of one bar.
type bin struct {
	a, b  int64
	scope bool
	lo    int // first point
}

func (l chartLayout) aggregate(points []graph.VolumePoint) []bin {
	bins := make([]bin, l.bins)
	for j := range bins {
		lo, hi := l.span(j, len(points))
		bins[j] = sumPoints(points[lo:hi], lo)
	}
	return bins
}

func sumPoints(points []graph.VolumePoint, lo int) bin {
	b := bin{lo: lo}
	for _, p := range points {
		b.a = satAdd(b.a, p.A)
		b.b = satAdd(b.b, p.B)
		b.scope = b.scope || p.InScope
	}
	return b
}

// satAdd adds non-negative volumes, saturating instead of wrapping, so a
// corrupt huge value cannot draw as a negative bar.
func satAdd(x, y int64) int64 {
	if y > 0 && x > math.MaxInt64-y {
		return math.MaxInt64
	}
	return x + y
}

// chartRows places the chart's parts in height rows; -1 is a part left out.
type chartRows struct {
	value, plotTop, plotH, scope, axis int
}

func rowsFor(height int) chartRows {
	r := chartRows{value: -1, plotTop: 0, plotH: 0, scope: -1, axis: -1}
	switch {
	case height >= 5:
		r.value, r.plotTop, r.plotH, r.scope, r.axis = 0, 1, height-3, height-2, height-1
	case height >= 3:
		r.value, r.plotTop, r.plotH, r.scope = 0, 1, height-2, height-1
	case height == 2:
		r.plotH, r.scope = 1, 1
	case height == 1:
		r.plotH = 1
	}
	return r
}

// Chart draws v in exactly width × height cells with the point at index
// cursor selected (clamped to the points). See the layout above.
func Chart(v graph.Volume, cursor int, width, height int, st Styles) string {
	width, height = max(width, 0), max(height, 0)
	c := newCanvas(width, height)
	l := layoutChart(v, width)
	bins := l.aggregate(v.Points)
	rows := rowsFor(height)
	cursor = min(max(cursor, 0), len(v.Points)-1)
	cursorBin := l.binOf(cursor)

	baseline := (v.BaselineA + v.BaselineB) * float64(l.per)
	peak := baseline
	for _, b := range bins {
		peak = math.Max(peak, float64(b.a)+float64(b.b))
	}
	drawPlot(c, l, bins, rows, cursorBin, baseline, peak)
	if l.gutter > 0 && rows.plotH > 0 {
		drawYAxis(c, l, rows, peak)
	}
	if rows.scope >= 0 {
		drawScopeRow(c, l, bins, rows.scope)
	}
	if rows.axis >= 0 {
		drawXAxis(c, l, v, bins, cursorBin, rows.axis)
	}
	if rows.value >= 0 {
		drawValueLine(c, l, v, cursor, cursorBin, baseline, rows.value)
	}
	return c.render(chartPalette(st, l.bytes))
}

func chartPalette(st Styles, bytes bool) []lipgloss.Style {
	a, b := st.Success, st.Failure
	if bytes {
		a, b = st.Inbound, st.Outbound
	}
	p := make([]lipgloss.Style, inkCount)
	p[inkA], p[inkAScope] = a, a.Inherit(st.Scope)
	p[inkB], p[inkBScope] = b, b.Inherit(st.Scope)
	p[inkBase], p[inkBaseScope], p[inkBaseCursor] = st.Baseline, st.Baseline.Inherit(st.Scope), st.Baseline.Inherit(st.Cursor)
	p[inkScope], p[inkCursor], p[inkDim] = st.Scope, st.Cursor, st.Dim
	return p
}

// drawPlot draws the bars in eighths of a cell, the scope's and the
// cursor's backgrounds, and the baseline marker through the empty cells.
func drawPlot(c *canvas, l chartLayout, bins []bin, rows chartRows, cursorBin int, baseline, peak float64) {
	if rows.plotH <= 0 {
		return
	}
	h8 := rows.plotH * 8
	scale := 0.0
	if peak > 0 {
		scale = float64(h8) / peak
	}
	baseRow := -1 // counted from the bottom
	if baseline > 0 && scale > 0 {
		baseRow = min(int(baseline*scale/8), rows.plotH-1)
	}
	for j, b := range bins {
		a8, b8 := eighths(b.a, scale), eighths(b.b, scale)
		if a8+b8 > h8 { // the nudges of tiny values may overflow the top
			if a8 > b8 {
				a8 = h8 - b8
			} else {
				b8 = h8 - a8
			}
		}
		x0 := l.gutter + j*l.barW
		for r := range rows.plotH {
			y := rows.plotTop + rows.plotH - 1 - r
			glyph, ink := barCell(a8, a8+b8, r, b.scope)
			for dx := range l.barW {
				g, k := glyph, ink
				if g == ' ' || dx >= l.fillW() { // the gap after a wide bar is empty
					g, k = emptyCell(r == baseRow, b.scope, j == cursorBin && dx < l.fillW())
				}
				c.set(x0+dx, y, g, k)
			}
		}
	}
}

// eighths is v scaled to eighths of a cell; a non-zero value gets at least
// one eighth, so any activity shows.
func eighths(v int64, scale float64) int {
	if v <= 0 {
		return 0
	}
	return max(int(math.Round(float64(v)*scale)), 1)
}

// barCell is the glyph of row r (from the bottom) of a bar whose series A
// fills eighths [0, a8) and series B [a8, t8). A cell showing both series
// takes the one filling more of it.
func barCell(a8, t8, r int, scope bool) (rune, uint8) {
	lo := r * 8
	if t8 <= lo {
		return ' ', inkNone
	}
	fill := min(t8, lo+8) - lo
	aPart := min(max(a8-lo, 0), fill)
	if fill-aPart > aPart {
		g := block(fill)
		if fill == 8 {
			g = glyphB
		}
		if scope {
			return g, inkBScope
		}
		return g, inkB
	}
	if scope {
		return block(fill), inkAScope
	}
	return block(fill), inkA
}

func emptyCell(baseline, scope, cursor bool) (rune, uint8) {
	switch {
	case baseline && cursor:
		return glyphBaseline, inkBaseCursor
	case baseline && scope:
		return glyphBaseline, inkBaseScope
	case baseline:
		return glyphBaseline, inkBase
	case cursor:
		return ' ', inkCursor
	case scope:
		return ' ', inkScope
	}
	return ' ', inkNone
}

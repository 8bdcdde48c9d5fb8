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
// Layout, top to bottom (as the height shrinks the x axis goes first, then
// the value line, then the scope row; the plot stays):
//
//	2026-10-15 03:00  scope  █ ok 13  ▒ failed 3  ┄ baseline 7.0/h   value line
//	   16┤                          ▄▒▁▆                            y max label
//	     │                          ██▒█
//	┄┄┄┄┄┤┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄████┄┄┄┄┄┄┄┄┄┄                  baseline
//	     │  ▅ ▂  ▅ ▂  ▅ ▂  ▅ ▂  ▅ ▂ ████  ▅ ▂  ▅ ▂
//	    0┤▃██▅█▃██▅█▃██▅█▃██▅█▃██▅█▃████▃██▅█▃██▅█
//	scope                           ▔▔▔▔                            scope bracket
//	      10-14       12:00  19:00   ▲        12:00                 caret, x labels
//
// The value line describes the bar under the cursor (its caret '▲'); the
// bars either side of the bracket are the neighbourhood the store sends
// around the scope. With colour the scope's columns also get a background
// and the cursor's column a highlight.
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
	y := newYScale(peak, baseline, rows.plotH)
	drawPlot(c, l, bins, rows, cursorBin, y)
	if l.gutter > 0 && rows.plotH > 0 {
		drawYAxis(c, l, rows, y)
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

// yScale maps amounts to eighths of a cell on a plot of plotH rows.
type yScale struct {
	peak    float64 // the amount at the top of the plot
	perUnit float64 // eighths per unit of amount; 0 for an empty chart
	h8      int     // the plot's height in eighths
	baseRow int     // the baseline's row from the bottom, -1 for none
}

func newYScale(peak, baseline float64, plotH int) yScale {
	y := yScale{peak: peak, h8: plotH * 8, baseRow: -1}
	if peak > 0 {
		y.perUnit = float64(y.h8) / peak
	}
	if baseline > 0 && y.perUnit > 0 && plotH > 0 {
		y.baseRow = min(int(baseline*y.perUnit/8), plotH-1)
	}
	return y
}

// drawPlot draws the bars in eighths of a cell, the scope's and the
// cursor's backgrounds, and the baseline marker through the empty cells.
func drawPlot(c *canvas, l chartLayout, bins []bin, rows chartRows, cursorBin int, ys yScale) {
	h8 := ys.h8
	for j, b := range bins {
		a8, b8 := eighths(b.a, ys.perUnit), eighths(b.b, ys.perUnit)
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
					g, k = emptyCell(r == ys.baseRow, b.scope, j == cursorBin && dx < l.fillW())
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

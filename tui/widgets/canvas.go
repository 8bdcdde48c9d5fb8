package widgets

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// canvas is a width × height grid of one-cell runes, each with an index
// into a palette of styles. The chart and the map draw into it and render
// it once, so every line is exactly width cells and a run of cells with the
// same style costs one lipgloss Render rather than one per cell.
//
// Only runes one cell wide may be set: our glyphs (blocks, braille, box
// drawing, markers) and ASCII labels.
type canvas struct {
	w, h  int
	runes []rune
	ink   []uint8 // palette index per cell; 0 is unstyled
}

func newCanvas(w, h int) *canvas {
	w, h = max(w, 0), max(h, 0)
	c := &canvas{w: w, h: h, runes: make([]rune, w*h), ink: make([]uint8, w*h)}
	for i := range c.runes {
		c.runes[i] = ' '
	}
	return c
}

// set draws r at (x, y); cells outside the grid are ignored, so callers can
// clip by drawing past the edge.
func (c *canvas) set(x, y int, r rune, ink uint8) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.runes[y*c.w+x] = r
	c.ink[y*c.w+x] = ink
}

// text draws s from (x, y) one rune per cell and returns the column after
// it; what falls beyond the right edge is dropped.
func (c *canvas) text(x, y int, s string, ink uint8) int {
	for _, r := range s {
		c.set(x, y, r, ink)
		x++
	}
	return x
}

// render joins the rows with newlines, styling each run of equal ink with
// palette[ink].
func (c *canvas) render(palette []lipgloss.Style) string {
	wraps := make([]wrap, len(palette)) // worked out on first use
	buf := make([]byte, 0, c.w*c.h*4)
	for y := range c.h {
		if y > 0 {
			buf = append(buf, '\n')
		}
		row := y * c.w
		for x := 0; x < c.w; {
			ink := c.ink[row+x]
			end := x + 1
			for end < c.w && c.ink[row+end] == ink {
				end++
			}
			run := c.runes[row+x : row+end]
			x = end
			if ink == 0 {
				buf = appendRunes(buf, run)
				continue
			}
			w := &wraps[ink]
			if !w.known {
				*w = wrapOf(palette[ink])
			}
			buf = append(buf, w.before...)
			buf = appendRunes(buf, run)
			buf = append(buf, w.after...)
		}
	}
	return string(buf)
}

func appendRunes(buf []byte, rs []rune) []byte {
	for _, r := range rs {
		buf = utf8.AppendRune(buf, r)
	}
	return buf
}

// wrap is what a style puts before and after a run of text. Rendering a
// style once around a marker and reusing its escape sequences for every run
// is equivalent for colours and attributes (all Styles may carry) and makes
// a chart or a map a few lipgloss calls instead of hundreds.
type wrap struct {
	before, after string
	known         bool // worked out
}

// wrapMarker is a private-use rune no style transforms.
const wrapMarker = "\ue000"

// wrapOf splits a style around a marker. A style that does more than wrap
// its text (padding, a width, a transform) would break the exact layout, so
// its runs are drawn unstyled instead.
func wrapOf(st lipgloss.Style) wrap {
	out := st.Render(wrapMarker)
	i := strings.Index(out, wrapMarker)
	if i < 0 || ansi.StringWidth(out) != 1 {
		return wrap{known: true}
	}
	return wrap{before: out[:i], after: out[i+len(wrapMarker):], known: true}
}

package widgets

import (
	"math"
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/gumshoe-sec/gumshoe/graph"
)

// The world map is equirectangular, drawn in braille (2×4 dots a cell) from
// the land mask, with a marker per cell holding places: '●' for places seen
// in the baseline, '◆' for new ones. The glyphs differ so the map reads
// without colour; a new place hides a known one in the same cell because
// the new one is the news.
const (
	GlyphKnown = '●'
	GlyphNew   = '◆'

	// The map shows 84°N to 58°S: nobody calls AWS from Antarctica or the
	// high Arctic, and cutting them leaves more rows for where people are.
	mapTop    = 84.0
	mapBottom = -58.0
	// mapAspect is the width over height, in cells, that keeps the map's
	// proportions: braille dots are about square in a 1:2 terminal cell.
	mapAspect = 2 * 360 / (mapTop - mapBottom)
	// minMapW is the narrowest map worth drawing land for.
	minMapW = 8
)

const (
	inkLand uint8 = iota + 1
	inkKnown
	inkNew
	inkMapCount
)

// mapBox is where the map sits inside the area it was given.
type mapBox struct{ x, y, w, h int }

// fitMap centres the largest box of the map's proportions in w × h cells.
func fitMap(w, h int) mapBox {
	bh := min(h, int(math.Round(float64(w)/mapAspect)))
	bw := min(w, int(math.Round(float64(bh)*mapAspect)))
	return mapBox{x: (w - bw) / 2, y: (h - bh) / 2, w: bw, h: bh}
}

// cell is the map cell of a place; places off the map clamp to its edge.
func (b mapBox) cell(p graph.Place) (x, y int) {
	x = int((p.Lon + 180) / 360 * float64(b.w))
	y = int((mapTop - p.Lat) / (mapTop - mapBottom) * float64(b.h))
	return b.x + min(max(x, 0), b.w-1), b.y + min(max(y, 0), b.h-1)
}

// WorldMap draws known and new places on a world map in exactly
// width × height cells, with a legend on the last row when height allows.
func WorldMap(known, newPlaces []graph.Place, width, height int, st Styles) string {
	width, height = max(width, 0), max(height, 0)
	c := newCanvas(width, height)
	mapH := height
	if height >= 4 {
		mapH = height - 1
		drawLegend(c, len(known), len(newPlaces), height-1)
	}
	box := fitMap(width, mapH)
	if box.w < minMapW || box.h < 1 {
		if height < 4 { // no room for a map: the legend alone says what there is
			drawLegend(c, len(known), len(newPlaces), 0)
		}
		return c.render(mapPalette(st))
	}
	drawLand(c, box)
	for _, p := range known {
		x, y := box.cell(p)
		c.set(x, y, GlyphKnown, inkKnown)
	}
	for _, p := range newPlaces {
		x, y := box.cell(p)
		c.set(x, y, GlyphNew, inkNew)
	}
	return c.render(mapPalette(st))
}

func mapPalette(st Styles) []lipgloss.Style {
	p := make([]lipgloss.Style, inkMapCount)
	p[inkLand], p[inkKnown], p[inkNew] = st.Dim, st.Known, st.New
	return p
}

func drawLegend(c *canvas, known, newPlaces, y int) {
	x := c.text(0, y, string(GlyphNew), inkNew)
	x = c.text(x+1, y, "new "+strconv.Itoa(newPlaces), inkNone)
	x = c.text(x+2, y, string(GlyphKnown), inkKnown)
	c.text(x+1, y, "seen before "+strconv.Itoa(known), inkNone)
}

// dotBit is the bit of the braille dot at row (0..3) and column (0..1) of a
// cell: Unicode numbers the left column's top three dots 1..3, the right
// column's 4..6, and the bottom row 7 and 8.
func dotBit(row, col int) rune {
	if row == 3 {
		return 0x40 << col
	}
	return 1 << (row + 3*col)
}

// drawLand samples the mask at the centre of every braille dot. The mask
// row of each dot row and column of each dot column are worked out once.
func drawLand(c *canvas, b mapBox) {
	rows := make([]int, 4*b.h)
	for i := range rows {
		lat := mapTop - (float64(i)+0.5)/float64(len(rows))*(mapTop-mapBottom)
		rows[i] = min(max(int(90-lat), 0), 179)
	}
	cols := make([]int, 2*b.w)
	for i := range cols {
		lon := -180 + (float64(i)+0.5)/float64(len(cols))*360
		cols[i] = min(max(int(lon+180), 0), landMaskCols-1)
	}
	for cy := range b.h {
		for cx := range b.w {
			var bits rune
			for dy := range 4 {
				for dx := range 2 {
					if landAt(rows[cy*4+dy], cols[cx*2+dx]) {
						bits |= dotBit(dy, dx)
					}
				}
			}
			if bits != 0 {
				c.set(b.x+cx, b.y+cy, 0x2800+bits, inkLand)
			}
		}
	}
}

// isLand looks a point up in the 1° land mask.
func isLand(lat, lon float64) bool {
	return landAt(min(max(int(90-lat), 0), 179), min(max(int(lon+180), 0), landMaskCols-1))
}

// landAt reads the mask's bit for a row (degrees from the north pole) and
// column (degrees east of 180°W).
func landAt(row, col int) bool {
	d := landMask[row*landMaskDigits+col/4]
	if d >= 'a' {
		d -= 'a' - 10
	} else {
		d -= '0'
	}
	return d&(8>>(col%4)) != 0
}

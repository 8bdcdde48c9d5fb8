package widgets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
)

var (
	bellevue = graph.Place{Label: "Bellevue, WA, US", Lat: 47.6, Lon: -122.2}
	ashburn  = graph.Place{Label: "Ashburn, VA, US", Lat: 39.0, Lon: -77.5}
	moscow   = graph.Place{Label: "Moscow, RU", Lat: 55.75, Lon: 37.62}
	sydney   = graph.Place{Label: "Sydney, AU", Lat: -33.87, Lon: 151.21}
)

func TestWorldMapMarkers(t *testing.T) {
	// 101 × 20 map cells keep the map's proportions exactly, so the map
	// fills the area and a cell spans 360/101 degrees of longitude and
	// 142/20 of latitude (84°N at the top).
	out := WorldMap([]graph.Place{bellevue, ashburn}, []graph.Place{moscow, sydney}, 101, 21, NewStyles(false))
	rows := lineRunes(out)
	for _, tc := range []struct {
		name  string
		x, y  int
		glyph rune
	}{
		{"Bellevue", 16, 5, GlyphKnown},
		{"Ashburn", 28, 6, GlyphKnown},
		{"Moscow", 61, 3, GlyphNew},
		{"Sydney", 92, 16, GlyphNew},
	} {
		if got := rows[tc.y][tc.x]; got != tc.glyph {
			t.Errorf("%s: cell (%d,%d) is %q, want %q\n%s", tc.name, tc.x, tc.y, got, tc.glyph, out)
		}
	}
	if got, want := strings.Count(out, string(GlyphKnown)), 2+1; got != want { // + legend
		t.Errorf("%d known glyphs, want %d", got, want)
	}
	if legend := string(rows[20]); !strings.HasPrefix(legend, "◆ new 2  ● seen before 2") {
		t.Errorf("legend %q", legend)
	}
}

func TestWorldMapNewWinsSharedCell(t *testing.T) {
	near := graph.Place{Label: "Redmond", Lat: 47.67, Lon: -122.12}
	rows := lineRunes(WorldMap([]graph.Place{bellevue}, []graph.Place{near}, 101, 21, NewStyles(false)))
	if got := rows[5][16]; got != GlyphNew {
		t.Errorf("shared cell shows %q, want the new glyph", got)
	}
	if strings.ContainsRune(string(rows[5]), GlyphKnown) {
		t.Errorf("the known place should be hidden: %q", string(rows[5]))
	}
}

func TestWorldMapLand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lat, lon float64
		land     bool
	}{
		{"Paris", 48.85, 2.35, true},
		{"Central Africa", 0, 20, true},
		{"Brazil", -10, -55, true},
		{"Australia", -25, 134, true},
		{"Moscow", 55.75, 37.62, true},
		{"mid-Pacific", 0, -140, false},
		{"mid-Atlantic", 35, -40, false},
		{"Indian Ocean", -20, 80, false},
	} {
		if got := isLand(tc.lat, tc.lon); got != tc.land {
			t.Errorf("%s (%v,%v): land %v, want %v", tc.name, tc.lat, tc.lon, got, tc.land)
		}
	}
	// Drawn: Brazil's cell carries braille dots, the Pacific's is blank.
	rows := lineRunes(WorldMap(nil, nil, 101, 21, NewStyles(false)))
	box := fitMap(101, 20)
	bx, by := box.cell(graph.Place{Lat: -10, Lon: -55})
	px, py := box.cell(graph.Place{Lat: 0, Lon: -140})
	if r := rows[by][bx]; r < 0x2801 || r > 0x28ff {
		t.Errorf("Brazil drawn as %q", r)
	}
	if r := rows[py][px]; r != ' ' {
		t.Errorf("Pacific drawn as %q", r)
	}
}

func TestWorldMapFitsEverySize(t *testing.T) {
	edges := []graph.Place{{Lat: 90, Lon: 180}, {Lat: -90, Lon: -180}, {Lat: 0, Lon: 0}, bellevue}
	for w := -1; w <= 130; w += 3 {
		for h := -1; h <= 30; h++ {
			out := WorldMap(edges, []graph.Place{moscow, {Lat: 200, Lon: -500}}, w, h, NewStyles(false))
			assertBox(t, fmt.Sprintf("map %dx%d", w, h), out, max(w, 0), max(h, 0))
		}
	}
}

func TestWorldMapTooSmallSaysCounts(t *testing.T) {
	out := WorldMap([]graph.Place{bellevue}, []graph.Place{moscow}, 30, 1, NewStyles(false))
	if !strings.HasPrefix(out, "◆ new 1  ● seen before 1") {
		t.Errorf("tiny map %q should say what it cannot draw", out)
	}
}

func BenchmarkWorldMap(b *testing.B) {
	st := NewStyles(true)
	for b.Loop() {
		WorldMap([]graph.Place{bellevue, ashburn}, []graph.Place{moscow}, 120, 30, st)
	}
}

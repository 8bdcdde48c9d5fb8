package widgets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/muesli/termenv"
)

// With colour on, the widgets' output carries escape sequences yet keeps
// its exact size, and stripping the colour leaves the same glyphs as the
// colourless rendering: colour only reinforces.
func TestColorKeepsLayoutAndGlyphs(t *testing.T) {
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	lipgloss.SetHasDarkBackground(true)
	defer lipgloss.SetColorProfile(prev)

	v := hourly(73, 48, 52, func(i int) int64 { return int64(i % 9) }, func(i int) int64 { return int64(i % 4 / 3) })
	v.BaselineA = 3
	tb := newTable(numbered(30), 70, 8)
	tb.MoveDown()
	render := map[string]func(Styles) string{
		"chart": func(st Styles) string { return Chart(v, 49, 80, 10, st) },
		"map": func(st Styles) string {
			return WorldMap([]graph.Place{bellevue}, []graph.Place{moscow}, 80, 18, st)
		},
		"table": func(st Styles) string { tb.st = st; return tb.View() },
	}
	sizes := map[string][2]int{"chart": {80, 10}, "map": {80, 18}, "table": {70, 8}}
	for name, draw := range render {
		colored, plain := draw(NewStyles(true)), draw(NewStyles(false))
		if !strings.Contains(colored, "\x1b[") {
			t.Errorf("%s: no colour in the coloured rendering", name)
		}
		assertBox(t, fmt.Sprintf("coloured %s", name), colored, sizes[name][0], sizes[name][1])
		if ansi.Strip(colored) != ansi.Strip(plain) {
			t.Errorf("%s: glyphs differ with colour:\n%s\n---\n%s", name, ansi.Strip(colored), ansi.Strip(plain))
		}
	}
}

// A style that pads or sizes its text cannot wrap a run of cells: the
// widgets draw those runs unstyled rather than break their layout.
func TestLayoutStyleIsIgnored(t *testing.T) {
	st := NewStyles(false)
	st.Success = st.Success.Padding(0, 2)
	st.Dim = st.Dim.Width(30)
	v := hourly(24, 10, 12, constant(5), constant(1))
	out := Chart(v, 3, 60, 8, st)
	assertBox(t, "chart with a padded style", out, 60, 8)
	if out != Chart(v, 3, 60, 8, NewStyles(false)) {
		t.Errorf("padded styles changed the drawing:\n%s", out)
	}
}

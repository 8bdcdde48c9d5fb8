package widgets

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

var chartStart = time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)

// hourly makes n hourly call-volume points from chartStart, with points
// [scopeFrom, scopeTo) in scope and A = a(i), B = b(i).
func hourly(n, scopeFrom, scopeTo int, a, b func(i int) int64) graph.Volume {
	v := graph.Volume{SeriesA: "success", SeriesB: "failure", Interval: "hour"}
	for i := range n {
		v.Points = append(v.Points, graph.VolumePoint{
			Start:   chartStart.Add(time.Duration(i) * time.Hour),
			A:       a(i),
			B:       b(i),
			InScope: i >= scopeFrom && i < scopeTo,
		})
	}
	return v
}

func constant(c int64) func(int) int64 { return func(int) int64 { return c } }

func TestChartFitsEverySize(t *testing.T) {
	bytesVolume := hourly(300, 100, 172, func(i int) int64 { return int64(i) * 1e9 }, constant(5e6))
	bytesVolume.SeriesA, bytesVolume.SeriesB = "in", "out"
	daily := hourly(400, 300, 330, func(i int) int64 { return int64(i % 17) }, constant(1))
	daily.Interval = "day"
	huge := hourly(5, 2, 3, constant(math.MaxInt64), constant(math.MaxInt64))
	huge.BaselineA = math.MaxInt64
	volumes := map[string]graph.Volume{
		"empty":  {SeriesA: "success", SeriesB: "failure", Interval: "hour"},
		"zeros":  hourly(73, 48, 49, constant(0), constant(0)),
		"single": hourly(1, 0, 1, constant(5), constant(1)),
		"normal": hourly(73, 48, 52, func(i int) int64 { return int64(i % 9) }, func(i int) int64 { return int64(i % 4 / 3) }),
		"bytes":  bytesVolume,
		"daily":  daily,
		"huge":   huge,
	}
	for name, v := range volumes {
		for _, w := range []int{-1, 0, 1, 5, 12, 13, 14, 19, 20, 40, 80, 200} {
			for h := -1; h <= 12; h++ {
				for _, cursor := range []int{-5, 0, len(v.Points) / 2, len(v.Points) + 3} {
					out := Chart(v, cursor, w, h, NewStyles(false))
					assertBox(t, fmt.Sprintf("%s %dx%d cursor %d", name, w, h, cursor), out, max(w, 0), max(h, 0))
				}
			}
		}
	}
}

// The scope bracket must sit under exactly the in-scope columns, whether
// bars are widened, one point a column, or sums of several points.
func TestChartMarksScopeWithoutColor(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		n, scopeFrom, scopeTo int
		width                 int
	}{
		{"wide bars", 10, 4, 7, 40},
		{"one point a column", 73, 48, 52, 80},
		{"aggregated, scope on bin edges", 100, 41, 46, 30},
		{"aggregated, scope ends mid-bin", 100, 41, 48, 30},
	} {
		v := hourly(tc.n, tc.scopeFrom, tc.scopeTo, func(i int) int64 { return int64(i%5 + 1) }, constant(0))
		out := Chart(v, 0, tc.width, 8, NewStyles(false))
		rows := lineRunes(out)
		bracket := rows[len(rows)-2]

		barW := layoutChart(v, tc.width).barW
		want := map[int]bool{}
		for i, c := range ChartColumns(v, tc.width) {
			if c >= 0 && v.Points[i].InScope {
				for dx := range barW {
					want[c+dx] = true
				}
			}
		}
		if !strings.HasPrefix(string(bracket), "scope ") {
			t.Errorf("%s: bracket row %q has no scope label", tc.name, string(bracket))
		}
		for x, r := range bracket {
			if x < len("scope ") {
				continue
			}
			if (r == glyphBracket) != want[x] {
				t.Errorf("%s: column %d is %q, want bracket %v\n%s", tc.name, x, r, want[x], out)
			}
		}
	}
}

func TestChartColumnsAggregate(t *testing.T) {
	// 100 points in a 24-cell plot: 5 points a bar, aligned on the scope's
	// first point (41), so point 0 and the partial bar 96..99 are trimmed.
	v := hourly(100, 41, 46, constant(1), constant(0))
	cols := ChartColumns(v, 30)
	gutter := len("scope ")
	for i, c := range cols {
		want := gutter + (i-1)/5
		if i < 1 || i >= 96 {
			want = -1
		}
		if c != want {
			t.Errorf("point %d in column %d, want %d", i, c, want)
		}
	}
	// A trailing partial bar that holds scope points is kept.
	v = hourly(100, 41, 100, constant(1), constant(0))
	if c := ChartColumns(v, 30)[99]; c != gutter+19 {
		t.Errorf("last in-scope point in column %d, want %d", c, gutter+19)
	}
}

func TestChartValueLine(t *testing.T) {
	v := hourly(48, 17, 18, constant(0), constant(0))
	v.Points[17].A, v.Points[17].B = 2, 0
	v.BaselineA, v.BaselineB = 0.3, 0.1
	out := Chart(v, 17, 80, 10, NewStyles(false))
	first := strings.Split(out, "\n")[0]
	for _, want := range []string{"2026-10-14 17:00", "scope", "ok 2", "failed 0", "baseline 0.4/h"} {
		if !strings.Contains(first, want) {
			t.Errorf("value line %q lacks %q", first, want)
		}
	}

	// Summed bars report the sum, the span and the baseline per bar.
	v = hourly(350, 40, 50, constant(3), constant(1))
	v.BaselineA = 2
	cols := ChartColumns(v, 80)
	if cols[40] != cols[44] {
		t.Fatalf("points 40 and 44 expected in one bar: %v", cols[40:45])
	}
	first = strings.Split(Chart(v, 42, 80, 10, NewStyles(false)), "\n")[0]
	if want := "2026-10-15 16:00–21:00  scope  █ ok 15  ▒ failed 5  ┄ baseline 10/5h"; !strings.HasPrefix(first, want) {
		t.Errorf("value line %q, want prefix %q", first, want)
	}

	bytes := hourly(3, 1, 2, constant(218_000_000), constant(1500))
	bytes.SeriesA, bytes.SeriesB = "in", "out"
	bytes.BaselineA = 2e6
	first = strings.Split(Chart(bytes, 1, 100, 6, NewStyles(false)), "\n")[0]
	for _, want := range []string{"in 218.0 MB", "out 1.5 KB", "baseline 2.0 MB/h"} {
		if !strings.Contains(first, want) {
			t.Errorf("flow value line %q lacks %q", first, want)
		}
	}
}

func TestChartBaselineRow(t *testing.T) {
	// Peak 10, baseline 5, 7 plot rows: the baseline is 28 eighths up, in
	// the fourth row from the bottom (line 4 of 10).
	v := hourly(20, 10, 12, func(i int) int64 {
		if i == 3 {
			return 10
		}
		return 0
	}, constant(0))
	v.BaselineA = 5
	rows := strings.Split(Chart(v, 0, 60, 10, NewStyles(false)), "\n")
	for y, l := range rows[1:] { // the value line names the baseline glyph
		if has := strings.ContainsRune(l, glyphBaseline); has != (y+1 == 4) {
			t.Errorf("line %d has baseline %v:\n%s", y+1, has, strings.Join(rows, "\n"))
		}
	}
	if !strings.HasPrefix(rows[4], "┄┄┄┄┄┤") {
		t.Errorf("baseline line %q lacks its gutter mark", rows[4])
	}
	if !strings.Contains(rows[1], "10┤") {
		t.Errorf("top line %q lacks the y max label", rows[1])
	}

	v.BaselineA = 0
	for _, l := range strings.Split(Chart(v, 0, 60, 10, NewStyles(false)), "\n")[1:] {
		if strings.ContainsRune(l, glyphBaseline) {
			t.Errorf("a zero baseline is drawn: %q", l)
		}
	}
}

func TestChartBarsAndSeries(t *testing.T) {
	// One point: the bar takes the plot; A fills the bottom, B (drawn '▒')
	// the top.
	v := hourly(1, 0, 1, constant(4), constant(4))
	rows := lineRunes(Chart(v, 0, 20, 6, NewStyles(false)))
	plot := rows[1:4] // three plot rows, 24 eighths: A 12, B 12
	gutter := len("scope ")
	for x := gutter; x < 20-1; x++ { // the last cell is the gap after the bar
		if plot[0][x] != glyphB || plot[2][x] != glyphFull {
			t.Fatalf("column %d: top %q bottom %q, want B over A", x, plot[0][x], plot[2][x])
		}
	}
	// A tiny value next to a huge one still shows.
	v = hourly(2, 0, 2, func(i int) int64 { return []int64{1, 1_000_000}[i] }, constant(0))
	rows = lineRunes(Chart(v, 0, 20, 6, NewStyles(false)))
	if got := rows[3][gutter]; got != '▁' {
		t.Errorf("tiny value drawn %q, want ▁", got)
	}
}

var axisToken = regexp.MustCompile(`^(\d\d-\d\d|\d\d:\d\d|▲)$`)

func TestChartAxisLabels(t *testing.T) {
	for _, tc := range []struct {
		n, width, cursor int
		interval         string
	}{
		{73, 80, 49, "hour"},
		{288, 80, 150, "hour"},
		{73, 200, 0, "hour"},
		{76, 80, 60, "day"},
		{1460, 120, 1000, "day"},
		{73, 30, 72, "hour"},
	} {
		v := hourly(tc.n, tc.n/2, tc.n/2+3, constant(1), constant(0))
		v.Interval = tc.interval
		if tc.interval == "day" {
			for i := range v.Points {
				v.Points[i].Start = chartStart.AddDate(0, 0, i)
			}
		}
		out := Chart(v, tc.cursor, tc.width, 10, NewStyles(false))
		axis := lineRunes(out)[9]
		tokens := strings.Fields(string(axis))
		if len(tokens) < 2 {
			t.Errorf("%+v: too few labels on %q", tc, string(axis))
		}
		for _, tok := range tokens {
			if !axisToken.MatchString(tok) {
				t.Errorf("%+v: label %q is garbled (overlap?) in %q", tc, tok, string(axis))
			}
		}
		col, carets := ChartColumns(v, tc.width)[tc.cursor], 0
		if col >= 0 { // a trimmed point has no bar to point at
			carets = 1
			if axis[col] != glyphCaret {
				t.Errorf("%+v: no caret under the cursor's column %d: %q", tc, col, string(axis))
			}
		}
		if got := strings.Count(string(axis), string(glyphCaret)); got != carets {
			t.Errorf("%+v: %d carets in %q, want %d", tc, got, string(axis), carets)
		}
	}
}

func TestChartHugeValues(t *testing.T) {
	v := hourly(5, 2, 3, constant(math.MaxInt64), constant(math.MaxInt64))
	rows := strings.Split(Chart(v, 2, 80, 8, NewStyles(false)), "\n")
	if !strings.Contains(rows[1], "9.2E┤") {
		t.Errorf("y label of a saturated peak: %q", rows[1])
	}
	if !strings.Contains(rows[0], "ok 9,223,372,036,854,775,807") {
		t.Errorf("value line %q", rows[0])
	}
}

func BenchmarkChart(b *testing.B) {
	v := hourly(288, 144, 216, func(i int) int64 { return int64(i*7919) % 1000 }, func(i int) int64 { return int64(i % 3) })
	v.BaselineA = 300
	st := NewStyles(true)
	for _, size := range [][2]int{{80, 12}, {200, 20}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			for b.Loop() {
				Chart(v, 150, size[0], size[1], st)
			}
		})
	}
}

package widgets

import (
	"math"

	"github.com/gumshoe-sec/gumshoe/graph"
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
	if i < l.first {
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

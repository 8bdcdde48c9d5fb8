package widgets

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SortNext sorts by the next sortable column (the first one when the table
// is unsorted), numeric columns largest first, text A to Z: the biggest
// talkers and the busiest callers are what a responder looks for.
func (t *Table) SortNext() {
	for step := 1; step <= len(t.cols); step++ {
		i := (t.sortCol + step) % len(t.cols)
		if !t.cols[i].NoSort {
			t.SetSort(i, t.cols[i].Numeric)
			return
		}
	}
}

// SortReverse reverses the sort; an unsorted table stays as it came.
func (t *Table) SortReverse() {
	if t.sortCol >= 0 {
		t.SetSort(t.sortCol, !t.sortDesc)
	}
}

// SetSort sorts by column col (-1 for the order the rows came in), keeping
// the cursor on the row it was on. A page sets its initial sort with it.
func (t *Table) SetSort(col int, desc bool) {
	if col < -1 || col >= len(t.cols) {
		col = -1
	}
	t.sortCol, t.sortDesc = col, desc
	var selected int
	if len(t.order) > 0 {
		selected = t.order[t.cursor]
	}
	for i := range t.order {
		t.order[i] = i
	}
	t.sortRows()
	for pos, r := range t.order {
		if r == selected {
			t.cursor = pos
			break
		}
	}
	// A new order is read from its top: scroll there unless that would
	// hide the cursor's row.
	t.offset = 0
	t.clamp()
}

// Sort is the sort column (-1 when unsorted) and direction, for a page
// that remembers it or says it elsewhere.
func (t *Table) Sort() (col int, desc bool) { return t.sortCol, t.sortDesc }

// sortRows orders t.order (starting from the rows' own order, so ties keep
// the order the caller gave) by the sort column. Numeric keys are worked
// out once per sort, not once per comparison.
func (t *Table) sortRows() {
	col := t.sortCol
	if col < 0 {
		return
	}
	var compare func(a, b int) int
	if t.cols[col].Numeric {
		keys := make([]float64, len(t.rows))
		for i := range t.rows {
			keys[i] = sortKey(&t.rows[i], col)
		}
		compare = func(a, b int) int { return cmp.Compare(keys[a], keys[b]) }
	} else {
		compare = func(a, b int) int { return compareNatural(cellOf(&t.rows[a], col), cellOf(&t.rows[b], col)) }
	}
	slices.SortStableFunc(t.order, func(a, b int) int {
		if t.sortDesc {
			return compare(b, a)
		}
		return compare(a, b)
	})
}

func cellOf(r *Row, col int) string {
	if col < len(r.Cells) {
		return r.Cells[col]
	}
	return ""
}

// sortKey is the row's number in a numeric column: its key if given, else
// the cell parsed; a cell without a number ("-", "*") sorts below all.
func sortKey(r *Row, col int) float64 {
	if col < len(r.Keys) {
		return r.Keys[col]
	}
	if v, ok := parseAmount(cellOf(r, col)); ok {
		return v
	}
	return math.Inf(-1)
}

// unitScale maps the units our formatters print to their multipliers.
func unitScale(unit string) (float64, bool) {
	switch strings.ToUpper(unit) {
	case "", "B":
		return 1, true
	case "K", "KB":
		return 1e3, true
	case "M", "MB":
		return 1e6, true
	case "G", "GB":
		return 1e9, true
	case "T", "TB":
		return 1e12, true
	case "P", "PB":
		return 1e15, true
	case "E", "EB":
		return 1e18, true
	}
	return 0, false
}

// parseAmount reads what Bytes, Count and Compact print back into a
// number: "218.0 MB", "1,234", "1.2k", "-3".
func parseAmount(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || end == 0 && s[end] == '-') {
		end++
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0, false
	}
	scale, ok := unitScale(strings.TrimSpace(s[end:]))
	if !ok {
		return 0, false
	}
	return v * scale, true
}

// compareNatural orders text case-insensitively with runs of digits
// compared as numbers, so "i-9" < "i-10" and 10.0.0.9 < 10.0.0.10.
func compareNatural(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ca, cb := lower(a[i]), lower(b[j]); ca != cb {
			return cmp.Compare(ca, cb)
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

package tui

import (
	"strings"

	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// table is a widgets.Table with what pages add to it: a text filter over
// the rows a page loaded, column titles that change with a drill-down
// level, and export of what is shown.
type table struct {
	widgets.Table
	st     widgets.Styles
	cols   []widgets.Column
	all    []widgets.Row
	total  int
	filter string
}

func newTable(st widgets.Styles, cols []widgets.Column) *table {
	return &table{Table: widgets.NewTable(cols, st), st: st, cols: cols}
}

// SetRows sets the rows a page loaded; total is how many there were
// before any filtering the query itself did.
func (t *table) SetRows(rows []widgets.Row, total int) {
	t.all, t.total = rows, total
	t.apply()
}

// SetFilter keeps the rows that contain text (case-insensitive) in a cell.
func (t *table) SetFilter(text string) {
	t.filter = strings.ToLower(strings.TrimSpace(text))
	t.apply()
}

func (t *table) apply() {
	kept := t.all
	if t.filter != "" {
		kept = nil
		for _, r := range t.all {
			if strings.Contains(strings.ToLower(strings.Join(r.Cells, "\x00")), t.filter) {
				kept = append(kept, r)
			}
		}
	}
	t.Table.SetRows(kept, len(kept), max(t.total, len(t.all)))
}

// SetTitles renames the columns, for tables whose meaning changes with a
// drill-down level.
func (t *table) SetTitles(titles []string) {
	same := true
	for i := range t.cols {
		if i < len(titles) && t.cols[i].Title != titles[i] {
			same = false
			t.cols[i].Title = titles[i]
		}
	}
	if !same {
		t.Table = widgets.NewTable(t.cols, t.st)
		t.apply()
	}
}

// Selected is the payload of the row under the cursor.
func (t *table) Selected() any { return t.SelectedPayload() }

// Len is the number of rows shown.
func (t *table) Len() int { return len(t.Rows()) }

// Export returns the titles and the shown rows, sorted as shown.
func (t *table) Export() ([]string, [][]string) {
	titles := make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i] = c.Title
	}
	var rows [][]string
	for _, r := range t.Rows() {
		rows = append(rows, r.Cells)
	}
	return titles, rows
}

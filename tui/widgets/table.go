package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Column describes one column of a Table.
type Column struct {
	Title string
	// Width is the column's width in cells; for a flexible column it is the
	// least it gets.
	Width int
	// Flex shares the width left after every column's Width among the
	// flexible columns, in proportion to Flex: long values (ARNs, user
	// agents) get the room, counts keep theirs.
	Flex int
	// Numeric right-aligns the column and sorts it by number: by the rows'
	// Keys, else by the number the cell starts with, units understood
	// ("218.0 MB", "1,234", "1.2k").
	Numeric bool
	// NoSort keeps SortNext from stopping at this column.
	NoSort bool
}

// Row is one row of a Table.
type Row struct {
	// Cells are the texts shown, one per column. The table lays them out
	// as they are: callers pass text already stripped of terminal control
	// sequences (graph.Sanitize), since log fields are untrusted.
	Cells []string
	// Keys, when set, are the exact values numeric columns sort by, one per
	// column (the bytes behind "218.0 MB"); they spare parsing a cell back.
	Keys []float64
	// Payload is what the row opens (a graph.Ref, a finding id ...), so the
	// page never has to map a position back to its data.
	Payload any
}

// Table is the console's table model: columns, rows with payloads, a
// cursor that scrolls the rows, and a sort. Pages own one per table and
// call its methods from their key handling; it holds no keys of its own,
// the console's KeyMap being declared once at the root.
type Table struct {
	cols   []Column
	rows   []Row
	order  []int // display position -> index in rows
	cursor int   // display position
	offset int   // display position of the first body line
	width  int
	height int

	sortCol  int // -1: the order the rows came in
	sortDesc bool
	keys     sortKeys // the sort column's keys, kept until the rows change

	filtered, total int
	empty           string
	st              Styles
}

// NewTable makes an empty table of cols, drawn with st.
func NewTable(cols []Column, st Styles) Table {
	return Table{cols: cols, sortCol: -1, st: st, empty: "nothing to show"}
}

// SetRows replaces the rows, keeping the sort and the cursor's position.
// filtered and total feed the footer "showing filtered of total": the
// caller knows how many rows its filter matched and how many there were.
func (t *Table) SetRows(rows []Row, filtered, total int) {
	t.rows, t.filtered, t.total = rows, filtered, total
	t.keys = sortKeys{}
	t.order = make([]int, len(rows))
	for i := range t.order {
		t.order[i] = i
	}
	t.sortRows()
	t.clamp()
}

// SetEmptyText sets what the table says when it has no rows, such as
// "no findings match the filter".
func (t *Table) SetEmptyText(s string) { t.empty = s }

// SetSize sets the table's size in cells; the scroll offset is kept as far
// as the cursor stays visible.
func (t *Table) SetSize(width, height int) {
	t.width, t.height = max(width, 0), max(height, 0)
	t.clamp()
}

// MoveUp moves the cursor one row up.
func (t *Table) MoveUp() { t.moveTo(t.cursor - 1) }

// MoveDown moves the cursor one row down.
func (t *Table) MoveDown() { t.moveTo(t.cursor + 1) }

// PageUp moves the cursor up by a screenful.
func (t *Table) PageUp() { t.moveTo(t.cursor - max(t.bodyRows(), 1)) }

// PageDown moves the cursor down by a screenful.
func (t *Table) PageDown() { t.moveTo(t.cursor + max(t.bodyRows(), 1)) }

// Home moves the cursor to the first row.
func (t *Table) Home() { t.moveTo(0) }

// End moves the cursor to the last row.
func (t *Table) End() { t.moveTo(len(t.order) - 1) }

func (t *Table) moveTo(i int) {
	t.cursor = i
	t.clamp()
}

// Cursor is the cursor's position among the displayed (sorted) rows.
func (t *Table) Cursor() int { return t.cursor }

// SelectedPayload is the payload of the row under the cursor, nil when the
// table is empty.
func (t *Table) SelectedPayload() any {
	if len(t.order) == 0 {
		return nil
	}
	return t.rows[t.order[t.cursor]].Payload
}

// Rows are the rows in display order, as an export writes them.
func (t *Table) Rows() []Row {
	out := make([]Row, len(t.order))
	for i, r := range t.order {
		out[i] = t.rows[r]
	}
	return out
}

// bodyRows is how many rows fit between the header and the footer.
func (t *Table) bodyRows() int {
	switch {
	case t.height >= 3:
		return t.height - 2
	case t.height == 2:
		return 1
	}
	return 0
}

// clamp keeps the cursor on a row and in view, moving the offset as little
// as possible, and never leaves blank lines below the last row.
func (t *Table) clamp() {
	n, body := len(t.order), max(t.bodyRows(), 1)
	t.cursor = min(max(t.cursor, 0), max(n-1, 0))
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+body {
		t.offset = t.cursor - body + 1
	}
	t.offset = min(max(t.offset, 0), max(n-body, 0))
}

// View draws the table in exactly its width × height: the header, the
// visible rows with the cursor's marked by '▸' (and the Cursor style), and
// the footer. Cells too long for their column end in '…'.
func (t *Table) View() string {
	if t.height == 0 {
		return ""
	}
	widths := t.columnWidths()
	lines := make([]string, 0, t.height)
	lines = append(lines, t.st.Header.Render(t.headerLine(widths)))
	body := t.bodyRows()
	for i := range body {
		pos := t.offset + i
		switch {
		case len(t.order) == 0 && i == 0:
			lines = append(lines, t.st.Dim.Render(fitLine("  "+t.empty, t.width)))
		case pos >= len(t.order):
			lines = append(lines, strings.Repeat(" ", t.width))
		case pos == t.cursor:
			lines = append(lines, t.st.Cursor.Render(t.rowLine(t.rows[t.order[pos]].Cells, widths, true)))
		default:
			lines = append(lines, t.rowLine(t.rows[t.order[pos]].Cells, widths, false))
		}
	}
	if t.height >= 3 {
		lines = append(lines, t.st.Dim.Render(t.footerLine()))
	}
	return strings.Join(lines, "\n")
}

// columnWidths gives each column its Width and shares what is left among
// the flexible ones. Columns that do not fit are cut at the right edge.
func (t *Table) columnWidths() []int {
	widths := make([]int, len(t.cols))
	left := t.width - 1 - max(len(t.cols)-1, 0) // the cursor mark and separators
	flex := 0
	for i, c := range t.cols {
		widths[i] = max(c.Width, 0)
		left -= widths[i]
		flex += max(c.Flex, 0)
	}
	if left <= 0 || flex == 0 {
		return widths
	}
	share, last := left, -1
	for i, c := range t.cols {
		if c.Flex > 0 {
			extra := share * c.Flex / flex
			widths[i] += extra
			left -= extra
			last = i
		}
	}
	widths[last] += left // the rounding remainder
	return widths
}

func (t *Table) headerLine(widths []int) string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, c := range t.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		title := c.Title
		if i == t.sortCol {
			arrow := " ▲"
			if t.sortDesc {
				arrow = " ▼"
			}
			title = fitCell(title, widths[i]-2, c.Numeric) + arrow
			if widths[i] < 2 {
				title = arrow[1:]
			}
		}
		b.WriteString(fitCell(title, widths[i], c.Numeric))
	}
	return fitLine(b.String(), t.width)
}

func (t *Table) rowLine(cells []string, widths []int, cursor bool) string {
	var b strings.Builder
	if cursor {
		b.WriteString("▸")
	} else {
		b.WriteByte(' ')
	}
	for i, c := range t.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		b.WriteString(fitCell(cell, widths[i], c.Numeric))
	}
	return fitLine(b.String(), t.width)
}

func (t *Table) footerLine() string {
	filtered, total := t.filtered, t.total
	if filtered < len(t.rows) { // the caller's counts cannot be below what it gave
		filtered = len(t.rows)
	}
	total = max(total, filtered)
	left := "  showing " + Count(int64(filtered)) + " of " + Count(int64(total))
	if len(t.order) == 0 {
		return fitLine(left, t.width)
	}
	right := "row " + Count(int64(t.cursor+1)) + " "
	if pad := t.width - len(left) - len(right); pad > 0 {
		return left + strings.Repeat(" ", pad) + right
	}
	return fitLine(left, t.width)
}

// fitCell truncates s to w cells with '…', or pads it to w, on the left
// when right is set.
func fitCell(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := cellWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// fitLine makes s exactly w cells.
func fitLine(s string, w int) string { return fitCell(s, w, false) }

// cellWidth is s's width in cells, counting bytes for ASCII text (most
// cells), which skips the grapheme segmentation the general case needs.
func cellWidth(s string) int {
	for i := range len(s) {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

package widgets

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func flowColumns() []Column {
	return []Column{
		{Title: "Remote IP", Width: 15, Flex: 1},
		{Title: "Port", Width: 5, Numeric: true},
		{Title: "Bytes in", Width: 10, Numeric: true},
		{Title: "Note", Width: 6, Flex: 2, NoSort: true},
	}
}

// numbered makes n rows whose payload is their index and whose first cell
// says so.
func numbered(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Cells: []string{"row" + strconv.Itoa(i), strconv.Itoa(i), Bytes(int64(i) * 1000), "note"}, Payload: i}
	}
	return rows
}

func newTable(rows []Row, w, h int) Table {
	tb := NewTable(flowColumns(), NewStyles(false))
	tb.SetRows(rows, len(rows), len(rows))
	tb.SetSize(w, h)
	return tb
}

// cursorLine is the line marked '▸' and how many there are.
func cursorLine(view string) (string, int) {
	var found string
	n := 0
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "▸") {
			found, n = l, n+1
		}
	}
	return found, n
}

func TestTableFitsEverySize(t *testing.T) {
	rows := numbered(40)
	rows[3].Cells[0] = "東京の非常に長いホスト名.example.com" // wide runes
	rows[4].Cells = []string{"short"}             // fewer cells than columns
	for w := 0; w <= 90; w += 3 {
		for h := 0; h <= 12; h++ {
			tb := newTable(rows, w, h)
			for range 7 {
				tb.MoveDown()
			}
			assertBox(t, fmt.Sprintf("table %dx%d", w, h), tb.View(), w, h)
		}
	}
	empty := newTable(nil, 50, 6)
	assertBox(t, "empty table", empty.View(), 50, 6)
}

func TestTableScrollKeepsCursorVisible(t *testing.T) {
	tb := newTable(numbered(100), 60, 10) // 8 body rows
	steps := []struct {
		name   string
		move   func()
		cursor int
	}{
		{"down 50", func() {
			for range 50 {
				tb.MoveDown()
			}
		}, 50},
		{"page down", tb.PageDown, 58},
		{"end", tb.End, 99},
		{"down past the end", tb.MoveDown, 99},
		{"page up", tb.PageUp, 91},
		{"up", tb.MoveUp, 90},
		{"home", tb.Home, 0},
		{"up past the start", tb.MoveUp, 0},
	}
	for _, s := range steps {
		s.move()
		if tb.Cursor() != s.cursor {
			t.Fatalf("%s: cursor %d, want %d", s.name, tb.Cursor(), s.cursor)
		}
		line, n := cursorLine(tb.View())
		if n != 1 || !strings.HasPrefix(line, "▸row"+strconv.Itoa(s.cursor)+" ") {
			t.Fatalf("%s: cursor line %q (%d marked), want row%d\n%s", s.name, line, n, s.cursor, tb.View())
		}
		if got := tb.SelectedPayload(); got != s.cursor {
			t.Errorf("%s: payload %v, want %d", s.name, got, s.cursor)
		}
	}
	// Moving up from the bottom scrolls only when the cursor leaves the view.
	tb.End()
	for range 7 {
		tb.MoveUp()
	}
	if first := strings.Split(tb.View(), "\n")[1]; !strings.HasPrefix(first, "▸row92 ") {
		t.Errorf("cursor at the top of the view expected, first body line %q", first)
	}
	// Shrinking the window keeps the cursor in view.
	tb.SetSize(60, 4)
	if _, n := cursorLine(tb.View()); n != 1 {
		t.Errorf("cursor lost after resize:\n%s", tb.View())
	}
}

func TestTableSortOrders(t *testing.T) {
	sizes := []string{"218.0 MB", "1.5 GB", "999 B", "12.0 KB", "-", "3.4 MB"}
	hosts := []string{"i-10", "i-9", "I-1", "10.0.0.10", "10.0.0.9", "alpha"}
	var rows []Row
	for i := range sizes {
		rows = append(rows, Row{Cells: []string{hosts[i], strconv.Itoa(100 - i), sizes[i], ""}, Payload: i})
	}
	column := func(tb *Table, col int) []string {
		var out []string
		for _, r := range tb.Rows() {
			out = append(out, r.Cells[col])
		}
		return out
	}
	tb := newTable(rows, 80, 10)

	tb.SortNext() // Remote IP, text: A to Z, numbers as numbers
	if got, want := column(&tb, 0), []string{"10.0.0.9", "10.0.0.10", "alpha", "I-1", "i-9", "i-10"}; !equal(got, want) {
		t.Errorf("text sort %v, want %v", got, want)
	}
	tb.SortNext() // Port
	tb.SortNext() // Bytes in: numeric, largest first, by size not by text
	if got, want := column(&tb, 2), []string{"1.5 GB", "218.0 MB", "3.4 MB", "12.0 KB", "999 B", "-"}; !equal(got, want) {
		t.Errorf("bytes sort %v, want %v", got, want)
	}
	if header := strings.Split(tb.View(), "\n")[0]; !strings.Contains(header, "Bytes in ▼") {
		t.Errorf("header %q lacks the sort mark", header)
	}
	tb.SortReverse()
	if got, want := column(&tb, 2), []string{"-", "999 B", "12.0 KB", "3.4 MB", "218.0 MB", "1.5 GB"}; !equal(got, want) {
		t.Errorf("reversed bytes sort %v, want %v", got, want)
	}
	if header := strings.Split(tb.View(), "\n")[0]; !strings.Contains(header, "Bytes in ▲") {
		t.Errorf("header %q lacks the reversed mark", header)
	}
	tb.SortNext() // Note is NoSort: wraps to Remote IP
	if col, desc := tb.Sort(); col != 0 || desc {
		t.Errorf("sort after wrap = %d %v, want 0 ascending", col, desc)
	}

	// Keys override the text: sort by exact values.
	for i := range rows {
		rows[i].Keys = []float64{0, 0, float64(len(rows) - i)}
	}
	tb.SetRows(rows, len(rows), len(rows))
	tb.SetSort(2, false)
	if got, want := column(&tb, 2), []string{"3.4 MB", "-", "12.0 KB", "999 B", "1.5 GB", "218.0 MB"}; !equal(got, want) {
		t.Errorf("keyed sort %v, want %v", got, want)
	}
}

func TestTableSortKeepsSelectionAndTies(t *testing.T) {
	rows := []Row{
		{Cells: []string{"b", "1", "", ""}, Payload: "b1"},
		{Cells: []string{"a", "2", "", ""}, Payload: "a2"},
		{Cells: []string{"b", "3", "", ""}, Payload: "b3"},
		{Cells: []string{"a", "4", "", ""}, Payload: "a4"},
	}
	tb := newTable(rows, 40, 10)
	tb.MoveDown() // on a2
	tb.SortNext()
	var got []any
	for _, r := range tb.Rows() {
		got = append(got, r.Payload)
	}
	if fmt.Sprint(got) != "[a2 a4 b1 b3]" {
		t.Errorf("ties should keep the given order: %v", got)
	}
	if tb.SelectedPayload() != "a2" {
		t.Errorf("cursor left its row: %v", tb.SelectedPayload())
	}
	// New rows keep the sort.
	tb.SetRows(append(rows, Row{Cells: []string{"0", "5", "", ""}, Payload: "new"}), 5, 5)
	if first := tb.Rows()[0].Payload; first != "new" {
		t.Errorf("refreshed rows unsorted: first %v", first)
	}
}

func TestTableFooterAndEmpty(t *testing.T) {
	tb := NewTable(flowColumns(), NewStyles(false))
	tb.SetRows(numbered(30), 30, 1200)
	tb.SetSize(60, 5)
	lines := strings.Split(tb.View(), "\n")
	if !strings.Contains(lines[4], "showing 30 of 1,200") || !strings.Contains(lines[4], "row 1") {
		t.Errorf("footer %q", lines[4])
	}

	tb.SetRows(nil, 0, 1200)
	tb.SetEmptyText("no flows match the filter")
	tb.MoveDown()
	tb.PageDown()
	tb.End()
	if tb.SelectedPayload() != nil {
		t.Errorf("empty table selected %v", tb.SelectedPayload())
	}
	lines = strings.Split(tb.View(), "\n")
	if !strings.Contains(lines[1], "no flows match the filter") || !strings.Contains(lines[4], "showing 0 of 1,200") {
		t.Errorf("empty table:\n%s", tb.View())
	}
}

func TestTableLayout(t *testing.T) {
	tb := newTable([]Row{{Cells: []string{"203.0.113.77", "443", "218.0 MB", "a note far too long for its column"}}}, 60, 3)
	lines := strings.Split(tb.View(), "\n")
	// 60 = mark 1 + separators 3 + widths 36 + 20 shared 1:2 (6 and 14):
	// Remote IP 21, Port 5, Bytes in 10, Note 20.
	if want := " Remote IP              Port   Bytes in Note                "; lines[0] != want {
		t.Errorf("header\n%q, want\n%q", lines[0], want)
	}
	if want := "▸203.0.113.77            443   218.0 MB a note far too long…"; lines[1] != want {
		t.Errorf("row\n%q, want\n%q", lines[1], want)
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"218.0 MB", 218e6, true},
		{"1,234", 1234, true},
		{"1.2k", 1200, true},
		{"999 B", 999, true},
		{"-3", -3, true},
		{"*", 0, false},
		{"12 apples", 0, false},
	} {
		got, ok := parseAmount(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseAmount(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func BenchmarkTableView(b *testing.B) {
	rows := make([]Row, 10_000)
	for i := range rows {
		rows[i] = Row{Cells: []string{
			fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256), strconv.Itoa(i % 65536),
			Bytes(int64(i) * 7919), "arn:aws:iam::123456789012:role/some-rather-long-role-name-" + strconv.Itoa(i),
		}, Payload: i}
	}
	tb := NewTable(flowColumns(), NewStyles(true))
	tb.SetRows(rows, len(rows), len(rows))
	tb.SetSize(200, 50)
	tb.SetSort(2, true)
	for range 5000 {
		tb.MoveDown()
	}
	for b.Loop() {
		tb.View()
	}
}

func BenchmarkTableSort(b *testing.B) {
	rows := numbered(10_000)
	tb := NewTable(flowColumns(), NewStyles(true))
	tb.SetRows(rows, len(rows), len(rows))
	tb.SetSize(200, 50)
	for b.Loop() {
		tb.SortNext()
	}
}

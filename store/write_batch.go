package store

import (
	"database/sql"
	"slices"
	"strings"
)

// rowBatch is how many rows one multi-row statement writes. One statement
// per row costs a trip through database/sql and cgo each, which for the
// small hourly rows costs as much as SQLite's own work.
const rowBatch = 64

// valuesList is the VALUES list of n rows of cols placeholders each.
func valuesList(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// batchedStmt is one statement prepared twice: for rowBatch rows and for
// one row, which writes a batch's remainder.
type batchedStmt struct {
	many, one *sql.Stmt
}

// writeRows writes rows (all of one width) in key order, rowBatch at a
// time: sorted rows land next to each other in the table's tree, so a
// commit touches fewer pages.
func (t *txn) writeRows(st batchedStmt, rows [][]int64) error {
	slices.SortFunc(rows, slices.Compare)
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	args := make([]any, 0, rowBatch*width)
	many := t.stmt(st.many)
	for len(rows) >= rowBatch {
		args = args[:0]
		for _, r := range rows[:rowBatch] {
			for _, v := range r {
				args = append(args, v)
			}
		}
		if _, err := many.Exec(args...); err != nil {
			return err
		}
		rows = rows[rowBatch:]
	}
	if len(rows) == 0 {
		return nil
	}
	one := t.stmt(st.one)
	for _, r := range rows {
		args = args[:0]
		for _, v := range r {
			args = append(args, v)
		}
		if _, err := one.Exec(args...); err != nil {
			return err
		}
	}
	return nil
}

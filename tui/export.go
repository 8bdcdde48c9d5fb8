package tui

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// exportTable writes the rows a table shows (filtered and sorted as seen)
// to a CSV file and a JSON file, and says where. It runs off the UI loop
// over a copy of the rows.
func exportTable(c *Context, name string, t *table) tea.Cmd {
	titles, rows := t.Export()
	dir := c.ExportDir
	if dir == "" {
		dir = "."
	}
	base := filepath.Join(dir, fmt.Sprintf("gumshoe-%s-%s", safeName(name), time.Now().UTC().Format("20060102T150405Z")))
	return func() tea.Msg {
		if err := writeExport(base, titles, rows); err != nil {
			return statusMsg{text: "export failed: " + err.Error(), err: true}
		}
		return statusMsg{text: fmt.Sprintf("exported %d rows to %s.csv and .json", len(rows), base)}
	}
}

func writeExport(base string, titles []string, rows [][]string) error {
	f, err := os.OpenFile(base+".csv", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(titles)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, cell := range r {
			safe[i] = spreadsheetSafe(cell)
		}
		w.Write(safe)
	}
	w.Flush()
	if err := f.Close(); err != nil {
		return err
	}
	objects := make([]map[string]string, len(rows))
	for i, r := range rows {
		objects[i] = map[string]string{}
		for j, cell := range r {
			if j < len(titles) {
				objects[i][titles[j]] = cell
			}
		}
	}
	body, err := json.MarshalIndent(objects, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(base+".json", body, 0o600)
}

// safeName keeps a file name to letters, digits and dashes.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// spreadsheetSafe defuses a cell a spreadsheet would run as a formula:
// text from logs is hostile, and an exported table is often opened in one.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

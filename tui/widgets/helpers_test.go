package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// assertBox fails unless out is exactly height lines of exactly width cells.
func assertBox(t *testing.T, name, out string, width, height int) {
	t.Helper()
	if height == 0 {
		if out != "" {
			t.Errorf("%s: height 0 drew %q", name, out)
		}
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) != height {
		t.Fatalf("%s: %d lines, want %d:\n%s", name, len(lines), height, out)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w != width {
			t.Errorf("%s: line %d is %d cells, want %d: %q", name, i, w, width, l)
		}
	}
}

// lineRunes splits plain output into lines of runes, one rune a cell.
func lineRunes(out string) [][]rune {
	var rows [][]rune
	for _, l := range strings.Split(out, "\n") {
		rows = append(rows, []rune(l))
	}
	return rows
}

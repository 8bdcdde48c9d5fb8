package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// moveTable applies the movement and sort keys to a table, and reports
// whether the key was one of them.
func moveTable(c *Context, t *table, msg tea.KeyMsg) bool {
	k := c.Keys
	switch {
	case key.Matches(msg, k.Up):
		t.MoveUp()
	case key.Matches(msg, k.Down):
		t.MoveDown()
	case key.Matches(msg, k.PageUp):
		t.PageUp()
	case key.Matches(msg, k.PageDown):
		t.PageDown()
	case key.Matches(msg, k.Home):
		t.Home()
	case key.Matches(msg, k.End):
		t.End()
	case key.Matches(msg, k.Sort):
		t.SortNext()
	case key.Matches(msg, k.SortReverse):
		t.SortReverse()
	default:
		return false
	}
	return true
}

// tableHelp is the help of a page whose body is a table.
func tableHelp(c *Context, extra ...key.Binding) []key.Binding {
	k := c.Keys
	return append([]key.Binding{k.Open, k.Sort, k.SortReverse, k.Filter, k.Export}, extra...)
}

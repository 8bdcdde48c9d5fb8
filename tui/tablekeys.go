package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
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

// refTableKey is the keys of a table whose rows are entities or findings
// (search results, the summary, the accounts page): enter opens the
// selected row's profile, x exports the table as name, others move.
func refTableKey(c *Context, t *table, name string, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, c.Keys.Open):
		if ref, ok := t.Selected().(graph.Ref); ok {
			return open(ref, "")
		}
	case key.Matches(msg, c.Keys.Export):
		return exportTable(c, name, t)
	default:
		moveTable(c, t, msg)
	}
	return nil
}

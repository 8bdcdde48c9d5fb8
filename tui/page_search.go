package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// searchPage lists what a search found; enter opens a hit.
type searchPage struct {
	id    int
	text  string
	req   request
	table *table
}

func newSearchPage(id int, st widgets.Styles, text string) *searchPage {
	return &searchPage{id: id, text: text, table: newTable(st, []widgets.Column{
		{Title: "kind", Width: 9}, {Title: "key", Width: 24, Flex: 3}, {Title: "match", Width: 11},
		{Title: "last seen", Width: 16}})}
}

func (p *searchPage) ID() int                             { return p.id }
func (p *searchPage) Title() string                       { return "search " + shortKey(p.text) }
func (p *searchPage) Loading() bool                       { return p.req.loading }
func (p *searchPage) Guidance() string                    { return guidance["search"] }
func (p *searchPage) DefaultScope(c *Context) graph.Scope { return c.Scope }
func (p *searchPage) Help(c *Context) []key.Binding       { return tableHelp(c) }

func (p *searchPage) Load(c *Context) tea.Cmd {
	b, text := c.Backend, p.text
	return query(p.id, p.req.start(c), func(ctx context.Context) (any, error) { return b.Search(ctx, text) })
}

func (p *searchPage) Update(c *Context, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if p.req.accept(msg) && msg.err == nil {
			var rows []widgets.Row
			for _, h := range msg.val.([]store.SearchHit) {
				label := h.Ref.Key
				if h.Detail != "" {
					label += " (" + h.Detail + ")"
				}
				rows = append(rows, widgets.Row{Payload: h.Ref, Cells: []string{h.Ref.Kind, graph.Sanitize(label), h.Match, widgets.Time(h.LastSeen)}})
			}
			p.table.SetRows(rows, len(rows))
		}
	case filterMsg:
		p.table.SetFilter(msg.text)
	case tea.KeyMsg:
		return refTableKey(c, p.table, "search", msg)
	}
	return nil
}

func (p *searchPage) filterPrompt() (initial, hint string, ok bool) {
	return p.table.filter, "text", true
}

func (p *searchPage) View(c *Context, width, height int) string {
	if p.req.err != nil {
		return c.Styles.Error.Render(graph.Sanitize(p.req.err.Error()))
	}
	if !p.req.loading && p.table.Len() == 0 {
		return "nothing in the graph matches " + graph.Sanitize(p.text)
	}
	p.table.SetSize(width, height)
	return p.table.View()
}

package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// rawPage shows the CloudTrail records behind a details row, as the source
// objects hold them: a list, and the selected record's JSON below it.
type rawPage struct {
	id    int
	q     store.RawQuery
	label string
	req   request
	page  *ingest.RawPage
	table *table
}

func newRawPage(id int, st widgets.Styles, q store.RawQuery, label string) *rawPage {
	return &rawPage{id: id, q: q, label: label, table: newTable(st, []widgets.Column{
		{Title: "time", Width: 19}, {Title: "API", Width: 16, Flex: 2}, {Title: "source", Width: 15, Flex: 1},
		{Title: "error", Width: 12, Flex: 1}})}
}

func (p *rawPage) ID() int                             { return p.id }
func (p *rawPage) Title() string                       { return "raw " + shortKey(p.label) }
func (p *rawPage) Loading() bool                       { return p.req.loading }
func (p *rawPage) Guidance() string                    { return guidance["raw"] }
func (p *rawPage) DefaultScope(c *Context) graph.Scope { return p.q.Scope }
func (p *rawPage) Help(c *Context) []key.Binding {
	k := c.Keys
	return []key.Binding{k.Up, k.Down, k.Sort, k.SortReverse, k.Export}
}

// Load reads the records in the scope the row was opened with: the raw
// events belong to that row, not to whatever scope comes later.
func (p *rawPage) Load(c *Context) tea.Cmd {
	b, q := c.Backend, p.q
	return query(p.id, p.req.start(c), func(ctx context.Context) (any, error) { return b.Raw(ctx, q, 1) })
}

func (p *rawPage) Update(c *Context, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if p.req.accept(msg) && msg.err == nil {
			p.page = msg.val.(*ingest.RawPage)
			var rows []widgets.Row
			for _, e := range p.page.Events {
				rows = append(rows, widgets.Row{Payload: e, Cells: []string{widgets.Time(e.Time),
					graph.Sanitize(e.API), graph.Sanitize(e.SourceIP), graph.Sanitize(e.ErrorCode)}})
			}
			p.table.SetRows(rows, p.page.Total)
		}
	case tea.KeyMsg:
		if key.Matches(msg, c.Keys.Export) {
			return exportTable(c, "raw", p.table)
		}
		moveTable(c, p.table, msg)
	}
	return nil
}

func (p *rawPage) View(c *Context, width, height int) string {
	st := c.Styles
	if p.req.err != nil {
		return st.Error.Render(graph.Sanitize(p.req.err.Error()))
	}
	if p.page == nil {
		return ""
	}
	var head []string
	if p.page.Total > len(p.page.Events) {
		head = append(head, st.Dim.Render(fmt.Sprintf("the first %d of %d records", len(p.page.Events), p.page.Total)))
	}
	for _, u := range p.page.Unavailable {
		head = append(head, st.Warning.Render(fmt.Sprintf("⚠ %d records unreadable: %s", u.Records, graph.Sanitize(u.Reason))))
	}
	listHeight := max((height-len(head))/2, 4)
	p.table.SetSize(width, listHeight)
	out := append(head, p.table.View())
	if e, ok := p.table.Selected().(ingest.RawEvent); ok {
		out = append(out, st.Header.Render(fmt.Sprintf("%s  %s", e.EventID, graph.Sanitize(e.Object))))
		out = append(out, prettyJSON(e.JSON))
	}
	return strings.Join(out, "\n")
}

// prettyJSON indents a record for reading; the text is from a log, so it
// is sanitised line by line before it reaches the screen.
func prettyJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = graph.Sanitize(l)
	}
	return strings.Join(lines, "\n")
}

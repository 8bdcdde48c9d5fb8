package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// summaryPanel is the home page's second tab: what stands out in the 24
// hours that end with the scope.
type summaryPanel struct {
	page  int
	req   request
	sum   *store.Summary
	table *table
}

func newSummaryPanel(page int, st widgets.Styles) *summaryPanel {
	return &summaryPanel{page: page, table: newTable(st, []widgets.Column{
		{Title: "what", Width: 14},
		{Title: "entity", Width: 20, Flex: 3},
		{Title: "in 24 h", Width: 10, Numeric: true},
		{Title: "7 days", Width: 9},
	})}
}

func (s *summaryPanel) load(c *Context) tea.Cmd {
	b, end := c.Backend, c.Scope.End
	return query(s.page, s.req.start(c), func(ctx context.Context) (any, error) { return b.Summary(ctx, end) })
}

// accept takes the summary's answers; false when msg is not one.
func (s *summaryPanel) accept(msg resultMsg) bool {
	if _, ok := msg.val.(*store.Summary); !ok && (msg.req != s.req.id) {
		return false
	}
	if s.req.accept(msg) && msg.err == nil {
		s.sum = msg.val.(*store.Summary)
		s.fill()
	}
	return true
}

func (s *summaryPanel) fill() {
	var rows []widgets.Row
	add := func(what string, ref graph.Ref, total string, series []int64) {
		rows = append(rows, widgets.Row{Payload: ref, Cells: []string{what, graph.Sanitize(ref.Key), total, widgets.Sparkline(series, 7)}})
	}
	for _, l := range s.sum.NewLocations {
		rows = append(rows, widgets.Row{Payload: l.Principal, Cells: []string{"new place", graph.Sanitize(l.Place + " ← " + l.Principal.Key), l.IP, ""}})
	}
	for _, r := range s.sum.TopRoles {
		add("busy role", r.Ref, widgets.Count(r.Total), r.Series)
	}
	for _, r := range s.sum.TopUsers {
		add("busy user", r.Ref, widgets.Count(r.Total), r.Series)
	}
	for _, r := range s.sum.TopInstances {
		add("busy instance", r.Ref, widgets.Bytes(r.Total), r.Series)
	}
	for _, f := range s.sum.Findings {
		ref := graph.Ref{Kind: graph.KindFinding.String(), Key: f.ID}
		rows = append(rows, widgets.Row{Payload: ref, Cells: []string{"finding " + graph.SeverityLabel(f.Severity), graph.Sanitize(f.Type), fmt.Sprintf("%.1f", f.Severity), ""}})
	}
	s.table.SetRows(rows, len(rows))
}

func (s *summaryPanel) key(c *Context, msg tea.KeyMsg) tea.Cmd {
	return refTableKey(c, s.table, "summary", msg)
}

func (s *summaryPanel) view(c *Context, width, height int) string {
	if s.req.err != nil {
		return c.Styles.Error.Render(graph.Sanitize(s.req.err.Error()))
	}
	if s.sum == nil {
		return ""
	}
	head := fmt.Sprintf("24 hours to %s", s.sum.Window.End.Format("2006-01-02 15:04"))
	if !s.sum.GeoAvailable {
		head += "  (no GeoIP database configured: new places unknown)"
	}
	s.table.SetSize(width, height-1)
	return strings.Join([]string{c.Styles.Dim.Render(head), s.table.View()}, "\n")
}

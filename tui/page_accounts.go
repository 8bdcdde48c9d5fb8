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

// accountsPanel is the home page's third tab, like Detective's usage
// view: one row per account and Region with its daily volumes, findings
// and the span of its data. Enter opens the account's profile.
type accountsPanel struct {
	page  int
	req   request
	usage *store.AccountUsage
	table *table
}

// sparkCells is the width of the daily-volume column: two days a cell, so
// the row fits 120 columns.
const sparkCells = store.UsageDays / 2

func newAccountsPanel(page int, st widgets.Styles) *accountsPanel {
	return &accountsPanel{page: page, table: newTable(st, []widgets.Column{
		{Title: "account", Width: 12},
		{Title: "name", Width: 8, Flex: 1},
		{Title: "region", Width: 14},
		{Title: "events/d", Width: 8, Numeric: true},
		{Title: "last day", Width: 8, Numeric: true},
		{Title: "flows/d", Width: 7, Numeric: true},
		{Title: "last day", Width: 8, Numeric: true},
		{Title: "findings", Width: 8, Numeric: true},
		{Title: "first data", Width: 10},
		{Title: "last data", Width: 11},
		{Title: "30 days", Width: sparkCells},
	})}
}

func (s *accountsPanel) load(c *Context) tea.Cmd {
	b := c.Backend
	return query(s.page, s.req.start(c), func(ctx context.Context) (any, error) { return b.UsageByAccount(ctx) })
}

// accept takes the panel's answers; false when msg is not one.
func (s *accountsPanel) accept(msg resultMsg) bool {
	if _, ok := msg.val.(*store.AccountUsage); !ok && msg.req != s.req.id {
		return false
	}
	if s.req.accept(msg) && msg.err == nil {
		s.usage = msg.val.(*store.AccountUsage)
		s.fill()
	}
	return true
}

func (s *accountsPanel) fill() {
	rows := make([]widgets.Row, 0, len(s.usage.Rows))
	for _, r := range s.usage.Rows {
		first := "-"
		if !r.FirstSeen.IsZero() {
			first = r.FirstSeen.Format("2006-01-02")
		}
		last := "-"
		if !r.LastSeen.IsZero() {
			last = r.LastSeen.Format("01-02 15:04")
		}
		region := r.Region
		if region == "" {
			region = "-"
		}
		rows = append(rows, widgets.Row{Payload: graph.Ref{Kind: graph.KindAccount.String(), Key: r.Account}, Cells: []string{
			graph.Sanitize(r.Account), graph.Sanitize(r.Name), graph.Sanitize(region),
			perDay(r.EventsPerDay), widgets.Compact(r.EventsLastDay), perDay(r.FlowsPerDay), widgets.Compact(r.FlowsLastDay),
			widgets.Count(int64(r.Findings)), first, last, widgets.Sparkline(r.Daily, sparkCells)}})
	}
	s.table.SetRows(rows, len(rows))
}

func perDay(v float64) string {
	if v >= 10 || v == 0 {
		return widgets.Compact(int64(v + 0.5))
	}
	return fmt.Sprintf("%.1f", v)
}

func (s *accountsPanel) key(c *Context, msg tea.KeyMsg) tea.Cmd {
	return refTableKey(c, s.table, "accounts", msg)
}

func (s *accountsPanel) view(c *Context, width, height int) string {
	if s.req.err != nil {
		return c.Styles.Error.Render(graph.Sanitize(s.req.err.Error()))
	}
	if s.usage == nil {
		return ""
	}
	head := fmt.Sprintf("per day: mean of the %d full days to %s and the last full day; records as delivered",
		store.UsageDays, s.usage.LastFullDay.Format("2006-01-02"))
	if len(s.usage.Rows) == 0 {
		head = "no account data in the graph"
		if !s.usage.Filter.Empty() {
			head += " for the filter " + graph.Sanitize(s.usage.Filter.String())
		}
	}
	s.table.SetSize(width, height-1)
	return strings.Join([]string{c.Styles.Dim.Render(head), s.table.View()}, "\n")
}

const accountsGuidance = `One row per account and Region the graph holds logs or findings of, named
by AWS Organizations where gumshoe accounts --sync (or an ingest of s3://
sources) could list the organisation.

events/d and flows/d are the mean CloudTrail events and flow records a day
over the 30 full days before the graph's newest day (or since the first data,
if later); "last day" is the last full day alone. Records count as delivered:
an event that an organisation trail and an account trail both delivered
counts twice. The sparkline is those 30 days, two days a cell; a blank is
two days with no delivery, which is a gap in logging, not quiet.

Ask: which account or Region stopped delivering (last data long before
the graph's now)? Which one jumped? Which accounts have findings but no logs?
Enter opens the account's profile.`

// findingsVal is the findings list's answer: the rows and the names of
// their accounts.
type findingsVal struct {
	rows  []graph.FindingRow
	names map[string]string
}

func loadFindings(ctx context.Context, b Backend) (any, error) {
	rows, err := b.Findings(ctx)
	if err != nil {
		return nil, err
	}
	names, err := b.AccountNames(ctx)
	v := findingsVal{rows: rows, names: make(map[string]string, len(names))}
	for _, n := range names {
		v.names[n.ID] = n.Name
	}
	return v, err
}

// accountLabel is an account column's cell: the name Organizations gave,
// where known (the id is on the finding's page), else the id.
func accountLabel(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return graph.Sanitize(n)
	}
	return graph.Sanitize(id)
}

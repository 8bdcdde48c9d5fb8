package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// homePage is where the console starts: the findings list, and the
// summary of the last 24 hours on a second tab.
type homePage struct {
	id       int
	tab      int // 0 findings, 1 summary, 2 accounts
	req      request
	findings []graph.FindingRow
	filter   string
	table    *table
	summary  *summaryPanel
	accounts *accountsPanel
	archive  archiveFlow
	// names are account names from Organizations, for the account column.
	names map[string]string
}

var homeTabs = []string{"Findings", "Summary", "Accounts"}

func newHomePage(id int, st widgets.Styles) *homePage {
	return &homePage{id: id, table: findingsTable(st), summary: newSummaryPanel(id, st), accounts: newAccountsPanel(id, st)}
}

func findingsTable(st widgets.Styles) *table {
	return newTable(st, []widgets.Column{
		{Title: "sev", Width: 5, Numeric: true},
		{Title: "type", Width: 24, Flex: 3},
		{Title: "resource", Width: 10, Flex: 1},
		{Title: "account", Width: 12},
		{Title: "region", Width: 9},
		{Title: "last seen", Width: 16},
		{Title: "arch", Width: 4},
	})
}

func (p *homePage) ID() int       { return p.id }
func (p *homePage) Title() string { return homeTabs[p.tab] }
func (p *homePage) Loading() bool {
	return p.req.loading || p.summary.req.loading || p.accounts.req.loading
}
func (p *homePage) Guidance() string {
	switch p.tab {
	case 1:
		return guidance["summary"]
	case 2:
		return accountsGuidance
	}
	return guidance["findings"]
}

func (p *homePage) DefaultScope(c *Context) graph.Scope { return graph.EntityScope(c.Now) }

func (p *homePage) Load(c *Context) tea.Cmd {
	switch p.tab {
	case 1:
		return p.summary.load(c)
	case 2:
		return p.accounts.load(c)
	}
	b := c.Backend
	return query(p.id, p.req.start(c), func(ctx context.Context) (any, error) { return loadFindings(ctx, b) })
}

func (p *homePage) Update(c *Context, msg tea.Msg) tea.Cmd {
	if handled, cmd, reload := p.archive.update(c, p.id, msg); handled {
		if reload {
			return tea.Batch(cmd, p.Load(c))
		}
		return cmd
	}
	switch msg := msg.(type) {
	case resultMsg:
		if p.summary.accept(msg) || p.accounts.accept(msg) {
			return nil
		}
		if p.req.accept(msg) && msg.err == nil {
			v := msg.val.(findingsVal)
			p.findings, p.names = v.rows, v.names
			p.fill()
		}
	case filterMsg:
		p.filter = msg.text
		p.fill()
	case tea.KeyMsg:
		k := c.Keys
		switch {
		case key.Matches(msg, k.NextTab):
			p.tab = (p.tab + 1) % len(homeTabs)
			return p.Load(c)
		case key.Matches(msg, k.PrevTab):
			p.tab = (p.tab + len(homeTabs) - 1) % len(homeTabs)
			return p.Load(c)
		case p.tab == 1:
			return p.summary.key(c, msg)
		case p.tab == 2:
			return p.accounts.key(c, msg)
		case key.Matches(msg, k.Open):
			if f, ok := p.table.Selected().(graph.FindingRow); ok {
				return open(graph.Ref{Kind: graph.KindFinding.String(), Key: f.ID}, "")
			}
		case key.Matches(msg, k.Export):
			return exportTable(c, "findings", p.table)
		case key.Matches(msg, k.Archive):
			if f, ok := p.table.Selected().(graph.FindingRow); ok {
				return p.archive.start(c, p.id, f.ID)
			}
		default:
			moveTable(c, p.table, msg)
		}
	}
	return nil
}

// fill shows the findings that pass the filter, keeping the cursor.
func (p *homePage) fill() {
	var rows []widgets.Row
	for _, f := range p.findings {
		if !findingMatches(f, p.filter) {
			continue
		}
		arch := ""
		if f.Archived {
			arch = "yes"
		}
		rows = append(rows, widgets.Row{Payload: f, Cells: []string{
			fmt.Sprintf("%.1f", f.Severity), graph.Sanitize(f.Type), graph.Sanitize(f.Resource),
			accountLabel(f.Account, p.names), f.Region, widgets.Time(f.LastSeen), arch}})
	}
	p.table.SetRows(rows, len(p.findings))
}

// findingMatches applies a findings filter: every word must match, as
// text anywhere, or as sev>=N, sev:high, type:TEXT, account:ID.
func findingMatches(f graph.FindingRow, filter string) bool {
	for _, w := range strings.Fields(strings.ToLower(filter)) {
		name, val, _ := strings.Cut(w, ":")
		switch {
		case strings.HasPrefix(w, "sev>="):
			n, err := strconv.ParseFloat(strings.TrimPrefix(w, "sev>="), 64)
			if err != nil || f.Severity < n {
				return false
			}
		case name == "sev" && val != "":
			if graph.SeverityLabel(f.Severity) != val {
				return false
			}
		case name == "type" && val != "":
			if !strings.Contains(strings.ToLower(f.Type), val) {
				return false
			}
		case name == "account" && val != "":
			if !strings.HasPrefix(f.Account, val) {
				return false
			}
		default:
			hay := strings.ToLower(strings.Join([]string{f.ID, f.Type, f.Title, f.Resource, f.Account, f.Region}, " "))
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// filterPrompt makes the findings list filterable; the summary is not.
func (p *homePage) filterPrompt() (initial, hint string, ok bool) {
	return p.filter, "text, sev>=7, sev:high, type:Tor, account:123456789012", p.tab == 0
}

func (p *homePage) View(c *Context, width, height int) string {
	tabs := tabBar(c, homeTabs, p.tab)
	switch p.tab {
	case 1:
		return tabs + "\n" + p.summary.view(c, width, height-1)
	case 2:
		return tabs + "\n" + p.accounts.view(c, width, height-1)
	}
	if p.req.err != nil {
		return tabs + "\n" + c.Styles.Error.Render(graph.Sanitize(p.req.err.Error()))
	}
	if q := p.archive.view(c); q != "" {
		tabs += "\n" + q
		height--
	}
	p.table.SetSize(width, height-1)
	return tabs + "\n" + p.table.View()
}

func (p *homePage) Help(c *Context) []key.Binding {
	return tableHelp(c, c.Keys.NextTab, c.Keys.Archive)
}

// tabBar draws tab names with the active one marked (bold and [brackets],
// so it shows without colour too).
func tabBar(c *Context, tabs []string, active int) string {
	parts := make([]string, len(tabs))
	for i, t := range tabs {
		if i == active {
			parts[i] = c.Styles.TabActive.Render("[" + t + "]")
		} else {
			parts[i] = c.Styles.Tab.Render(" " + t + " ")
		}
	}
	return strings.Join(parts, " ")
}

package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// findingPage is a finding's profile: what GuardDuty said, the entities
// involved and their part, related findings, and logging coverage.
type findingPage struct {
	id      int
	key     string
	req     request
	profile *store.Profile
	table   *table
	scoped  bool
	archive archiveFlow
}

func newFindingPage(id int, st widgets.Styles, key string) *findingPage {
	return &findingPage{id: id, key: key, table: newTable(st, []widgets.Column{
		{Title: "part", Width: 17},
		{Title: "kind", Width: 9},
		{Title: "entity / finding", Width: 20, Flex: 1},
	})}
}

func (p *findingPage) ID() int       { return p.id }
func (p *findingPage) Loading() bool { return p.req.loading }
func (p *findingPage) Title() string {
	if p.profile != nil {
		return "finding " + graph.Sanitize(p.profile.Finding.Type)
	}
	return "finding " + shortKey(p.key)
}
func (p *findingPage) Guidance() string { return guidance["finding"] }

// DefaultScope is the finding's window.
func (p *findingPage) DefaultScope(c *Context) graph.Scope {
	if p.profile != nil {
		return p.profile.DefaultScope
	}
	return c.Scope
}

// setScopeMsg asks the root to set the scope (opening a finding sets it
// to the finding's window).
type setScopeMsg struct{ scope graph.Scope }

func (p *findingPage) Load(c *Context) tea.Cmd {
	b, key := c.Backend, p.key
	var scope *graph.Scope
	if p.scoped {
		sc := c.Scope
		scope = &sc
	}
	return query(p.id, p.req.start(c), func(ctx context.Context) (any, error) {
		return b.Profile(ctx, store.ProfileRequest{Key: key, Kind: graph.KindFinding, Scope: scope})
	})
}

func (p *findingPage) Update(c *Context, msg tea.Msg) tea.Cmd {
	if handled, cmd, reload := p.archive.update(c, p.id, msg); handled {
		if reload {
			return tea.Batch(cmd, p.Load(c))
		}
		return cmd
	}
	switch msg := msg.(type) {
	case resultMsg:
		if !p.req.accept(msg) || msg.err != nil {
			return nil
		}
		p.profile = msg.val.(*store.Profile)
		p.fill()
		if !p.scoped {
			p.scoped = true
			sc := p.profile.DefaultScope
			return func() tea.Msg { return setScopeMsg{scope: sc} }
		}
	case tea.KeyMsg:
		k := c.Keys
		switch {
		case key.Matches(msg, k.Open):
			if ref, ok := p.table.Selected().(graph.Ref); ok {
				return open(ref, p.key)
			}
		case key.Matches(msg, k.Export):
			return exportTable(c, "finding", p.table)
		case key.Matches(msg, k.Archive):
			return p.archive.start(c, p.id, p.key)
		default:
			moveTable(c, p.table, msg)
		}
	}
	return nil
}

func (p *findingPage) fill() {
	f := p.profile.Finding
	var rows []widgets.Row
	for _, inv := range f.Involved {
		rows = append(rows, widgets.Row{Payload: inv.Ref, Cells: []string{strings.ReplaceAll(inv.Part, "_", " "), inv.Ref.Kind, graph.Sanitize(inv.Ref.Key)}})
	}
	for _, r := range f.Related {
		ref := graph.Ref{Kind: graph.KindFinding.String(), Key: r.ID}
		var shared []string
		for _, s := range r.Shared {
			shared = append(shared, s.Key)
		}
		rows = append(rows, widgets.Row{Payload: ref, Cells: []string{"related finding", fmt.Sprintf("%.1f", r.Severity),
			graph.Sanitize(r.Type + " (shares " + strings.Join(shared, ", ") + ")")}})
	}
	p.table.SetRows(rows, len(rows))
}

func (p *findingPage) View(c *Context, width, height int) string {
	st := c.Styles
	if p.req.err != nil {
		return st.Error.Render(graph.Sanitize(p.req.err.Error()))
	}
	if p.profile == nil {
		return ""
	}
	f := p.profile.Finding
	lines := []string{
		st.severityStyle(f.Severity).Render(fmt.Sprintf("%.1f %s", f.Severity, strings.ToUpper(graph.SeverityLabel(f.Severity)))) +
			"  " + st.Title.Render(graph.Sanitize(f.Type)),
		graph.Sanitize(f.Title),
		facts(c, width, [][2]string{
			{"account", f.Account}, {"region", f.Region}, {"resource", f.Resource}, {"action", f.ActionType},
			{"first seen", widgets.Time(f.FirstSeen)}, {"last seen", widgets.Time(f.LastSeen)},
			{"updates", fmt.Sprint(f.Updates)}, {"archived", yesNo(f.Archived)}, {"id", f.ID},
		}),
	}
	if q := p.archive.view(c); q != "" {
		lines = append(lines, q)
	}
	lines = append(lines, warnings(c, p.profile.Coverage, width, height)...)
	body := strings.Join(lines, "\n")
	rest := height - strings.Count(body, "\n") - 2
	if rest < 3 {
		return body
	}
	p.table.SetSize(width, rest)
	return body + "\n" + st.Header.Render("Involved entities and related findings") + "\n" + p.table.View()
}

func (p *findingPage) Help(c *Context) []key.Binding { return tableHelp(c, c.Keys.Archive) }

// facts lays name/value pairs out in as many columns as fit.
func facts(c *Context, width int, pairs [][2]string) string {
	var cells []string
	colw := 0
	for _, p := range pairs {
		cell := c.Styles.Label.Render(p[0]+": ") + graph.Sanitize(p[1])
		cells = append(cells, cell)
		colw = max(colw, len(p[0])+2+len(p[1])+2)
	}
	cols := max(1, width/max(colw, 1))
	var lines []string
	for i := 0; i < len(cells); i += cols {
		row := cells[i:min(i+cols, len(cells))]
		for j := range row {
			row[j] = pad(row[j], colw)
		}
		lines = append(lines, strings.Join(row, ""))
	}
	return strings.Join(lines, "\n")
}

// warnings renders coverage warnings: a gap must never read as quiet. On
// a short screen they take one line, saying how many more there are.
func warnings(c *Context, cov *graph.Coverage, width, height int) []string {
	if cov == nil || len(cov.Warnings) == 0 {
		return nil
	}
	ws := cov.Warnings
	if height < 30 && len(ws) > 1 {
		return []string{c.Styles.Warning.Render(fmt.Sprintf("⚠ %d coverage warnings: %s", len(ws), graph.Sanitize(ws[0])))}
	}
	var out []string
	for _, w := range ws {
		// Wrapped, not cut: the end of a warning says what the gap means.
		for _, line := range strings.Split(ansi.Wordwrap("⚠ "+graph.Sanitize(w), width, ""), "\n") {
			out = append(out, c.Styles.Warning.Render(line))
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// shortKey shortens long keys for breadcrumbs.
func shortKey(k string) string {
	r := []rune(graph.Sanitize(k))
	if len(r) > 28 {
		return string(r[:12]) + "…" + string(r[len(r)-12:])
	}
	return string(r)
}

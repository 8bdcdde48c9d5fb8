package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// entityPage is an entity's profile, with tabs as its kind has them. Each
// tab loads only its own panels; each keeps its cursor and filter.
type entityPage struct {
	id      int
	ref     graph.Ref
	finding string // the finding the user came from, for flow annotations
	tabs    []tab
	tab     int
	req     request
	profile *store.Profile
	// details is set when "details for scope time" is expanded (d).
	details bool
	calls   callsState
	flows   store.FlowQuery
	filters map[string]string // per tab
	tables  map[string]*table
	cursor  int // chart cursor, an index into the volume points
	// chartWidth is the width the chart was last drawn at, to move the
	// cursor by bars.
	chartWidth int
	st         widgets.Styles
}

func newEntityPage(id int, st widgets.Styles, ref graph.Ref, finding string) *entityPage {
	p := &entityPage{id: id, st: st, ref: ref, finding: finding, tabs: tabsOf(ref.Kind),
		filters: map[string]string{}, tables: map[string]*table{}, cursor: -1}
	p.calls.root = "api"
	p.flows.Finding = finding
	return p
}

func (p *entityPage) ID() int       { return p.id }
func (p *entityPage) Loading() bool { return p.req.loading }
func (p *entityPage) Title() string {
	t := p.ref.Kind + " " + shortKey(p.ref.Key)
	if d := p.calls.describe(); d != "" {
		t += " › " + d
	}
	return t
}

func (p *entityPage) current() tab { return p.tabs[p.tab] }

func (p *entityPage) Guidance() string { return guidance[p.current().name] }

func (p *entityPage) DefaultScope(c *Context) graph.Scope {
	if p.profile != nil {
		return p.profile.DefaultScope
	}
	return graph.EntityScope(c.Now)
}

func (p *entityPage) Load(c *Context) tea.Cmd {
	b := c.Backend
	// Every tab carries the coverage warnings: a gap must never read as quiet.
	panels := append([]string{store.PanelCoverage}, p.current().panels...)
	req := store.ProfileRequest{Key: p.ref.Key, Panels: panels, Calls: p.calls.query(), Flows: p.flows}
	if k, err := graph.ParseKind(p.ref.Kind); err == nil {
		req.Kind = k
	}
	sc := c.Scope
	req.Scope = &sc
	req.Calls.CIDR, req.Calls.Text = splitCallFilter(p.filters[tabAPI.name])
	return query(p.id, p.req.start(c), func(ctx context.Context) (any, error) { return b.Profile(ctx, req) })
}

func (p *entityPage) Update(c *Context, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if p.req.accept(msg) && msg.err == nil {
			p.profile = msg.val.(*store.Profile)
			p.fill(c)
		}
	case filterMsg:
		return p.setFilter(c, msg.text)
	case tea.KeyMsg:
		return p.key(c, msg)
	}
	return nil
}

func (p *entityPage) key(c *Context, msg tea.KeyMsg) tea.Cmd {
	k := c.Keys
	t := p.table()
	switch {
	case key.Matches(msg, k.NextTab):
		p.tab = (p.tab + 1) % len(p.tabs)
		return p.Load(c)
	case key.Matches(msg, k.PrevTab):
		p.tab = (p.tab + len(p.tabs) - 1) % len(p.tabs)
		return p.Load(c)
	case key.Matches(msg, k.Details):
		p.details = !p.details
	case key.Matches(msg, k.Left):
		p.moveCursor(-1)
	case key.Matches(msg, k.Right):
		p.moveCursor(1)
	case key.Matches(msg, k.GroupBy) && p.current().name == tabAPI.name && len(p.calls.path) == 0:
		p.calls.nextRoot()
		return p.Load(c)
	case key.Matches(msg, k.Open):
		return p.openRow(c, false)
	case key.Matches(msg, k.OpenLocal):
		return p.openRow(c, true)
	case key.Matches(msg, k.Raw) && p.current().name == tabAPI.name:
		return p.openRaw(c)
	case key.Matches(msg, k.Export) && t != nil:
		return exportTable(c, p.ref.Kind+"-"+p.current().name, t)
	case t != nil:
		moveTable(c, t, msg)
	}
	return nil
}

func (p *entityPage) Help(c *Context) []key.Binding {
	k := c.Keys
	out := tableHelp(c, k.NextTab, k.PrevTab)
	switch p.current().name {
	case tabAPI.name:
		out = append(out, k.Details, k.GroupBy, k.Raw, k.Left, k.Right)
	case tabFlow.name:
		out = append(out, k.Details, k.OpenLocal, k.Left, k.Right)
	}
	return out
}

// table is the active tab's table, created on first use so each tab keeps
// its own cursor.
func (p *entityPage) table() *table {
	name := p.current().name
	if t, ok := p.tables[name]; ok {
		return t
	}
	t := newTabTable(p.st, name)
	p.tables[name] = t
	return t
}

// moveCursor moves the chart cursor one bar: where points are summed
// into bars, to the next point drawn in another column.
func (p *entityPage) moveCursor(d int) {
	v := p.volume()
	if v == nil || len(v.Points) == 0 {
		return
	}
	if p.cursor < 0 || p.cursor >= len(v.Points) {
		p.cursor = firstScopePoint(v)
	}
	cols := widgets.ChartColumns(*v, p.chartWidth)
	next := p.cursor
	for i := p.cursor + d; i >= 0 && i < len(v.Points); i += d {
		if i >= len(cols) || (cols[i] >= 0 && cols[i] != cols[p.cursor]) {
			next = i
			break
		}
	}
	p.cursor = next
}

// volume is the chart the active tab shows.
func (p *entityPage) volume() *graph.Volume {
	if p.profile == nil {
		return nil
	}
	if p.current().name == tabFlow.name || (p.profile.APIVolume == nil && p.profile.FlowVolume != nil) {
		return p.profile.FlowVolume
	}
	return p.profile.APIVolume
}

func firstScopePoint(v *graph.Volume) int {
	for i, pt := range v.Points {
		if pt.InScope {
			return i
		}
	}
	return len(v.Points) - 1
}

// openRow opens what the selected row names: an entity or finding, or the
// next drill-down level of API details. local opens a flow row's local IP.
func (p *entityPage) openRow(c *Context, local bool) tea.Cmd {
	t := p.table()
	if t == nil {
		return nil
	}
	switch v := t.Selected().(type) {
	case graph.Ref:
		return open(v, p.finding)
	case graph.FlowRow:
		ip := v.RemoteIP
		if local {
			ip = v.LocalIP
		}
		return open(graph.Ref{Kind: graph.KindIP.String(), Key: ip}, p.finding)
	case graph.CallRow:
		next, ref, ok := p.calls.drill(v)
		if !ok {
			return nil
		}
		if ref.Key != "" {
			return open(ref, p.finding)
		}
		return p.pushDrill(c, next)
	}
	return nil
}

// pushDrill opens the next level of API details as its own page, so back
// returns to the level above.
func (p *entityPage) pushDrill(c *Context, next callsState) tea.Cmd {
	return func() tea.Msg { return drillMsg{from: p, calls: next} }
}

// drillMsg asks the root to push a drill-down of an entity page.
type drillMsg struct {
	from  *entityPage
	calls callsState
}

// openRaw opens the raw records behind the selected details row (or all
// the calls in the scope when no row is selected).
func (p *entityPage) openRaw(c *Context) tea.Cmd {
	calls := p.calls.query()
	label := p.ref.Key
	if r, ok := p.table().Selected().(graph.CallRow); ok {
		switch p.calls.level() {
		case "api":
			calls.API = r.Service + ":" + r.API
		case "ip":
			calls.IP = r.IP
		case "key":
			calls.AccessKey = r.AccessKey
		}
		label += " " + strings.TrimSpace(r.API+" "+r.IP+" "+r.AccessKey)
	}
	kind, _ := graph.ParseKind(p.ref.Kind)
	q := store.RawQuery{Key: p.ref.Key, Kind: kind, Scope: c.Scope, Calls: calls}
	return func() tea.Msg { return rawMsg{q: q, label: label} }
}

// rawMsg asks the root to push a raw events page.
type rawMsg struct {
	q     store.RawQuery
	label string
}

package tui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
	"github.com/gumshoe-sec/gumshoe/store"
)

// The console's measurements drive the app without a terminal, on pages
// loaded from a graph, for `gumshoe bench` and the tui benchmarks. A key
// press is Update with the key and View of the frame it gives, without
// any query it starts. Opening a profile is the whole way from enter to
// the drawn page, its queries run synchronously as the Bubble Tea loop
// would run them.

// ConsoleCases are the console's measurements at one terminal size:
// moving and sorting on the findings list and on large details tables,
// switching tabs (the key's frame and the answer's frame, the query
// between them untimed), and opening a finding and an involved entity
// from the findings list.
func ConsoleCases(st *store.Store, samples perf.SampleFunc, w, h int) ([]perf.Case, error) {
	size := fmt.Sprintf("%dx%d", w, h)
	var cases []perf.Case
	keys := func(name string, a *App, seq ...string) {
		cases = append(cases, perf.Case{Name: name + "/" + size, Target: perf.KeyTarget, N: 100,
			Timed: func(_ context.Context, i int) (time.Duration, error) {
				msg := keyMsg(seq[i%len(seq)])
				t0 := time.Now()
				a.Update(msg)
				a.View()
				return time.Since(t0), nil
			}})
	}
	home := measureApp(st, w, h, graph.Ref{}, nil)
	keys("findings_list/jk", home, "j", "j", "k")
	keys("findings_list/sort", home, "s", "S")
	for _, d := range []struct {
		name string
		kind graph.Kind
		tab  string
	}{{"role_api_details_30d", graph.KindRole, "API calls"}, {"instance_flow_details_30d", graph.KindInstance, "VPC flow"}} {
		ss, err := samples(d.kind)
		if err != nil || len(ss) == 0 {
			return nil, fmt.Errorf("no %s to measure: %v", d.kind, err)
		}
		sc := ss[0].Scope(30 * 24 * time.Hour)
		a := measureApp(st, w, h, graph.Ref{Kind: d.kind.String(), Key: ss[0].Key}, &sc)
		pressKeys(a, "tab", "d")
		if err := showsRows(a, d.tab); err != nil {
			return nil, fmt.Errorf("%s %s: %w", d.kind, ss[0].Key, err)
		}
		keys(d.name+"/jk", a, "j", "j", "k")
		keys(d.name+"/sort", a, "s", "S")
		if d.kind == graph.KindRole {
			keys(d.name+"/chart_cursor", a, "h", "l", "l")
		}
	}
	tabs, err := tabCase(st, samples, w, h)
	if err != nil {
		return nil, err
	}
	return append(cases, tabs, openCase(st, w, h, "open_finding", nil, findingLoaded),
		openCase(st, w, h, "open_entity_from_finding", []string{"enter"}, entityLoaded)), nil
}

// tabCase goes round every tab of busy entities' profiles.
func tabCase(st *store.Store, samples perf.SampleFunc, w, h int) (perf.Case, error) {
	var apps []*App
	for _, kind := range []graph.Kind{graph.KindRole, graph.KindSession, graph.KindUser, graph.KindIP, graph.KindInstance, graph.KindAccessKey} {
		ss, err := samples(kind)
		if err != nil {
			return perf.Case{}, err
		}
		for _, s := range ss[:min(5, len(ss))] {
			sc := s.Scope(24 * time.Hour)
			apps = append(apps, measureApp(st, w, h, graph.Ref{Kind: kind.String(), Key: s.Key}, &sc))
		}
	}
	return perf.Case{Name: fmt.Sprintf("tab_switch/%dx%d", w, h), Target: perf.KeyTarget, N: len(apps),
		Timed: func(_ context.Context, i int) (time.Duration, error) {
			a := apps[i]
			p, ok := a.stack.top().(*entityPage)
			if !ok {
				return 0, fmt.Errorf("start page is %T", a.stack.top())
			}
			var total time.Duration
			for range p.tabs {
				t0 := time.Now()
				_, cmd := a.Update(keyMsg("tab"))
				a.View()
				total += time.Since(t0)
				msgs := pending(cmd) // the query, untimed
				t0 = time.Now()
				for _, m := range msgs {
					_, next := a.Update(m)
					runCmds(a, next)
				}
				a.View()
				total += time.Since(t0)
			}
			// One sample is one switch, on average over the tabs.
			return total / time.Duration(max(len(p.tabs), 1)), nil
		}}, nil
}

// openCase times enter from the findings list until the page it opens
// is drawn, its queries included, for each of the first findings in
// turn: on the row itself (the finding's page: its query, the scope it
// sets, the reload at that scope), or with into pressed first, on the
// finding's first involved entity (that profile's first tab).
func openCase(st *store.Store, w, h int, name string, into []string, loaded func(Page) bool) perf.Case {
	a := measureApp(st, w, h, graph.Ref{}, nil)
	back := append(slices.Repeat([]string{"esc"}, len(into)+1), "j")
	return perf.Case{Name: fmt.Sprintf("%s/%dx%d", name, w, h), Target: perf.OpenTarget, N: 100,
		Timed: func(_ context.Context, i int) (time.Duration, error) {
			if i == 0 {
				pressKeys(a, "home")
			}
			pressKeys(a, into...)
			t0 := time.Now()
			_, cmd := a.Update(keyMsg("enter"))
			runCmds(a, cmd)
			a.View()
			d := time.Since(t0)
			if !loaded(a.stack.top()) {
				return d, fmt.Errorf("%s: enter opened %T", name, a.stack.top())
			}
			pressKeys(a, back...)
			return d, nil
		}}
}

func findingLoaded(p Page) bool { f, ok := p.(*findingPage); return ok && f.profile != nil }
func entityLoaded(p Page) bool  { e, ok := p.(*entityPage); return ok && e.profile != nil }

// OpenPanels are the panels the console asks for when it opens a profile
// of a kind: its first tab's, with the coverage every tab carries.
func OpenPanels(kind graph.Kind) []string {
	return append([]string{store.PanelCoverage}, tabsOf(kind.String())[0].panels...)
}

// keyMsg is the message of a key by its name: a named key, else runes.
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{"enter": tea.KeyEnter, "esc": tea.KeyEsc, "backspace": tea.KeyBackspace,
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "home": tea.KeyHome, "down": tea.KeyDown, "up": tea.KeyUp}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// runCmds runs commands as the Bubble Tea loop would, in this goroutine,
// feeding their messages back into the app until none is left. The
// refresh tick and the spinner are never started (Init is not called).
func runCmds(a *App, cmd tea.Cmd) {
	for _, m := range pending(cmd) {
		_, next := a.Update(m)
		runCmds(a, next)
	}
}

// pending runs a command and the batches it gives, returning the
// messages without delivering them; ticks are dropped.
func pending(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
		case tickMsg, spinner.TickMsg, nil:
		default:
			out = append(out, m)
		}
	}
	return out
}

// measureApp opens the console on the graph at a size, on the findings
// list, or on an entity's profile at a scope when start is set.
func measureApp(st *store.Store, w, h int, start graph.Ref, scope *graph.Scope) *App {
	a := New(Options{Backend: StoreBackend{Store: st}, ExportDir: os.TempDir(), Start: start, Scope: scope})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	runCmds(a, loadNow(a.ctx.Backend))
	a.View()
	return a
}

// pressKeys delivers keys with everything they set off, untimed.
func pressKeys(a *App, keys ...string) {
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		runCmds(a, cmd)
	}
}

// showsRows says whether the app shows an entity's tab with details
// rows: measuring keys on an empty table would measure nothing.
func showsRows(a *App, tabName string) error {
	p, ok := a.stack.top().(*entityPage)
	if !ok || p.profile == nil || p.tabs[p.tab].name != tabName || !p.details || p.table().Len() < 2 {
		return fmt.Errorf("not on a loaded %s table with rows: %T", tabName, a.stack.top())
	}
	return nil
}

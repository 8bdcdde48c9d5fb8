package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/benchgraph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// The console benchmarks drive the app without a terminal on pages
// loaded from the large synthetic graph of internal/benchgraph, and
// report p50 and p95 (p50-ms, p95-ms; ns/op is the mean of one
// operation):
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 1h ./tui/
//
// A key press is Update with the key and View of the frame it gives,
// without any query it starts. Opening a profile is the whole way from
// enter to the drawn page, its queries run synchronously as the Bubble
// Tea loop would run them.

const (
	keyTarget  = 16 * time.Millisecond
	openTarget = 100 * time.Millisecond
	// benchPresses is how many times each key is timed on each page.
	benchPresses = 100
)

var benchSizes = []struct{ w, h int }{{120, 40}, {200, 60}}

func benchKeyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// drain runs commands as the Bubble Tea loop would, in this goroutine,
// feeding their messages back into the app until none is left. The
// refresh tick and the spinner are never started (Init is not called).
func drain(a *App, cmd tea.Cmd) {
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
			_, next := a.Update(m)
			queue = append(queue, next)
		}
	}
}

// messages runs a command and the batches it gives, returning the
// messages without delivering them.
func messages(cmd tea.Cmd) []tea.Msg {
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

// benchApp opens the console on the graph at a size, on the findings
// list, or on an entity's profile at a scope when start is set.
func benchApp(b *testing.B, st *store.Store, w, h int, start graph.Ref, scope *graph.Scope) *App {
	a := New(Options{Backend: StoreBackend{Store: st}, ExportDir: b.TempDir(), Start: start, Scope: scope})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drain(a, loadNow(a.ctx.Backend))
	a.View()
	return a
}

// press delivers a key with everything it sets off, untimed.
func benchPress(a *App, keys ...string) {
	for _, k := range keys {
		_, cmd := a.Update(benchKeyMsg(k))
		drain(a, cmd)
	}
}

// timeKeys times Update and View for each key in turn, presses times
// over; a query the key starts is left unrun.
func timeKeys(b *testing.B, a *App, keys []string, presses int) {
	var t benchgraph.Timings
	for it := 0; it < b.N; it++ {
		for i := 0; i < presses; i++ {
			msg := benchKeyMsg(keys[i%len(keys)])
			t0 := time.Now()
			a.Update(msg)
			a.View()
			t.Add(time.Since(t0))
		}
	}
	t.Report(b, keyTarget)
}

// mustShowRows fails unless the app shows an entity's tab with details
// rows: a benchmark of keys on an empty table would measure nothing.
func mustShowRows(b *testing.B, a *App, tabName string) {
	b.Helper()
	p, ok := a.stack.top().(*entityPage)
	if !ok || p.profile == nil || p.tabs[p.tab].name != tabName || !p.details || p.table().Len() < 2 {
		b.Fatalf("not on a loaded %s table: %T", tabName, a.stack.top())
	}
}

// BenchmarkKeys: j/k and sort on the findings list, on API and flow
// details tables, and tab switches on entity profiles.
func BenchmarkKeys(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	fmt.Println(g.Describe())
	role := g.Samples(b, st, graph.KindRole, 100)[0]
	inst := g.Samples(b, st, graph.KindInstance, 100)[0]
	for _, sz := range benchSizes {
		size := fmt.Sprintf("%dx%d", sz.w, sz.h)
		home := benchApp(b, st, sz.w, sz.h, graph.Ref{}, nil)
		b.Run("findings_list/jk/"+size, func(b *testing.B) { timeKeys(b, home, []string{"j", "j", "k"}, benchPresses) })
		b.Run("findings_list/sort/"+size, func(b *testing.B) { timeKeys(b, home, []string{"s", "S"}, benchPresses) })

		// A busy role's API calls tab with details, over 30 days.
		sc := role.Scope(30 * 24 * time.Hour)
		api := benchApp(b, st, sz.w, sz.h, graph.Ref{Kind: role.Kind.String(), Key: role.Key}, &sc)
		benchPress(api, "tab", "d")
		mustShowRows(b, api, "API calls")
		b.Run("role_api_details_30d/jk/"+size, func(b *testing.B) { timeKeys(b, api, []string{"j", "j", "k"}, benchPresses) })
		b.Run("role_api_details_30d/sort/"+size, func(b *testing.B) { timeKeys(b, api, []string{"s", "S"}, benchPresses) })
		b.Run("role_api_details_30d/chart_cursor/"+size, func(b *testing.B) { timeKeys(b, api, []string{"h", "l", "l"}, benchPresses) })

		// A busy instance's VPC flow tab with details, over 30 days: a table of thousands of rows.
		sc = inst.Scope(30 * 24 * time.Hour)
		flows := benchApp(b, st, sz.w, sz.h, graph.Ref{Kind: inst.Kind.String(), Key: inst.Key}, &sc)
		benchPress(flows, "tab", "d")
		mustShowRows(b, flows, "VPC flow")
		fmt.Printf("%s: %d flow detail rows\n", inst.Key, flows.stack.top().(*entityPage).table().Len())
		b.Run("instance_flow_details_30d/jk/"+size, func(b *testing.B) { timeKeys(b, flows, []string{"j", "j", "k"}, benchPresses) })
		b.Run("instance_flow_details_30d/sort/"+size, func(b *testing.B) { timeKeys(b, flows, []string{"s", "S"}, benchPresses) })

		b.Run("tab_switch/"+size, func(b *testing.B) { benchTabs(b, g, st, sz.w, sz.h) })
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

// benchTabs goes round every tab of busy entities' profiles. A switch is
// two frames: the key's (the tab, its query started) and the answer's
// (Update with the query's result, and View); the query runs between
// them, untimed. Both are timed as one.
func benchTabs(b *testing.B, g *benchgraph.Graph, st *store.Store, w, h int) {
	var t benchgraph.Timings
	var apps []*App
	for _, kind := range []graph.Kind{graph.KindRole, graph.KindSession, graph.KindUser, graph.KindIP, graph.KindInstance, graph.KindAccessKey} {
		for _, s := range g.Samples(b, st, kind, 100)[:5] {
			sc := s.Scope(24 * time.Hour)
			apps = append(apps, benchApp(b, st, w, h, graph.Ref{Kind: kind.String(), Key: s.Key}, &sc))
		}
	}
	for it := 0; it < b.N; it++ {
		for _, a := range apps {
			p, ok := a.stack.top().(*entityPage)
			if !ok {
				b.Fatalf("start page is %T", a.stack.top())
			}
			for range p.tabs {
				t0 := time.Now()
				_, cmd := a.Update(benchKeyMsg("tab"))
				a.View()
				d := time.Since(t0)
				msgs := messages(cmd) // the query, untimed
				t0 = time.Now()
				for _, m := range msgs {
					_, next := a.Update(m)
					drain(a, next)
				}
				a.View()
				t.Add(d + time.Since(t0))
			}
		}
	}
	t.Report(b, keyTarget)
}

// BenchmarkOpen: enter on a findings row until the finding's page is
// drawn (its query, the scope it sets, the reload at that scope), and
// enter on the finding's first involved entity until that profile's
// first tab is drawn. Both include the queries.
func BenchmarkOpen(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	const findings = 100
	for _, sz := range benchSizes {
		size := fmt.Sprintf("%dx%d", sz.w, sz.h)
		b.Run("finding/"+size, func(b *testing.B) {
			a := benchApp(b, st, sz.w, sz.h, graph.Ref{}, nil)
			var t benchgraph.Timings
			for it := 0; it < b.N; it++ {
				benchPress(a, "home")
				for i := 0; i < findings; i++ {
					t0 := time.Now()
					_, cmd := a.Update(benchKeyMsg("enter"))
					drain(a, cmd)
					a.View()
					t.Add(time.Since(t0))
					if p, ok := a.stack.top().(*findingPage); !ok || p.profile == nil {
						b.Fatalf("enter on a finding opened %T", a.stack.top())
					}
					benchPress(a, "esc", "j")
				}
			}
			t.Report(b, openTarget)
		})
		b.Run("entity_from_finding/"+size, func(b *testing.B) {
			a := benchApp(b, st, sz.w, sz.h, graph.Ref{}, nil)
			var t benchgraph.Timings
			for it := 0; it < b.N; it++ {
				benchPress(a, "home")
				for i := 0; i < findings; i++ {
					benchPress(a, "enter")
					t0 := time.Now()
					_, cmd := a.Update(benchKeyMsg("enter"))
					drain(a, cmd)
					a.View()
					t.Add(time.Since(t0))
					if p, ok := a.stack.top().(*entityPage); !ok || p.profile == nil {
						b.Fatalf("enter on an involved entity opened %T", a.stack.top())
					}
					benchPress(a, "esc", "esc", "j")
				}
			}
			t.Report(b, openTarget)
		})
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

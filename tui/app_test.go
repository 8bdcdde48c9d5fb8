package tui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	demotest.Cleanup()
	os.Exit(code)
}

// settle runs a command as the Bubble Tea loop would and feeds what it
// returns back into the app, until nothing is left. Tests never start the
// refresh tick or the spinner (newTestApp skips Init), so every command
// here answers; a wedged one fails the test.
func settle(t *testing.T, a *App, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("a command did not answer in 10 s")
		}
		switch m := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
		case tickMsg, spinner.TickMsg, nil:
		default:
			_, next := a.Update(m)
			queue = append(queue, next)
		}
	}
}

// newTestApp opens the console on the demo graph at 120×40.
func newTestApp(t *testing.T) *App {
	t.Helper()
	a := New(Options{Backend: StoreBackend{Store: demotest.Open(t)}, ExportDir: t.TempDir()})
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, a, loadNow(a.ctx.Backend))
	return a
}

func press(t *testing.T, a *App, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		settle(t, a, cmd)
	}
}

func typeText(t *testing.T, a *App, text string) {
	for _, r := range text {
		_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		settle(t, a, cmd)
	}
}

// selectFinding moves the findings list's cursor to a finding.
func selectFinding(t *testing.T, a *App, id string) {
	t.Helper()
	home := a.stack.top().(*homePage)
	for i := 0; i < 20; i++ {
		if f, ok := home.table.Selected().(graph.FindingRow); ok && f.ID == id {
			return
		}
		press(t, a, "j")
	}
	t.Fatalf("finding %s not in the list", id)
}

func TestOpenFindingSetsScopeAndBackKeepsCursor(t *testing.T) {
	a := newTestApp(t)
	selectFinding(t, a, demo.TrailFindingID)
	cursor := a.stack.top().(*homePage).table.Cursor()
	press(t, a, "enter")
	if _, ok := a.stack.top().(*findingPage); !ok || len(a.stack.pages) != 2 {
		t.Fatalf("enter did not open the finding: %T", a.stack.top())
	}
	want := graph.FindingScope(demo.StopLoggingTime, demo.StopLoggingTime)
	if a.ctx.Scope != want {
		t.Errorf("scope = %s, want the finding's hour %s", a.ctx.Scope, want)
	}
	press(t, a, "j", "enter") // the actor session
	e, ok := a.stack.top().(*entityPage)
	if !ok || e.ref.Key != demo.SaraAdminSession {
		t.Fatalf("opened %T %+v, want sara's session", a.stack.top(), e)
	}
	if a.ctx.Scope != want {
		t.Errorf("scope did not carry over: %s", a.ctx.Scope)
	}
	if !strings.Contains(a.View(), "started by") || !strings.Contains(a.View(), "sso:sara") {
		t.Errorf("session overview lacks its starter:\n%s", a.View())
	}
	press(t, a, "esc", "backspace")
	if len(a.stack.pages) != 1 || a.stack.top().(*homePage).table.Cursor() != cursor {
		t.Errorf("back twice: %d pages, cursor %d (was %d)", len(a.stack.pages), a.stack.top().(*homePage).table.Cursor(), cursor)
	}
	press(t, a, "esc")
	if len(a.stack.pages) != 1 {
		t.Error("back on the last page popped it")
	}
}

func TestScopeHotkeys(t *testing.T) {
	a := newTestApp(t)
	start := a.ctx.Scope
	tests := []struct {
		key  string
		want graph.Scope
	}{
		{"]", start.Shift(1)},
		{"[", start},
		{"-", start.Widen()},
		{"+", start.Widen().Narrow()},
		{"=", start.Widen().Narrow().Narrow()},
		{"r", graph.EntityScope(a.ctx.Now)},
	}
	for _, tt := range tests {
		press(t, a, tt.key)
		if a.ctx.Scope != tt.want {
			t.Errorf("after %q: scope %s, want %s", tt.key, a.ctx.Scope, tt.want)
		}
	}
	press(t, a, "t")
	if !a.prompt.active() {
		t.Fatal("t did not open the scope prompt")
	}
	a.prompt.input.SetValue("")
	typeText(t, a, "2026-10-14T20:00..2026-10-15T02:00")
	press(t, a, "enter")
	if got := a.ctx.Scope.String(); got != "2026-10-14T20:00..2026-10-15T02:00" {
		t.Errorf("typed scope = %s", got)
	}
	press(t, a, "t")
	a.prompt.input.SetValue("")
	typeText(t, a, "yesterday")
	press(t, a, "enter")
	if got := a.ctx.Scope.String(); got != "2026-10-14T20:00..2026-10-15T02:00" {
		t.Errorf("a bad typed scope changed it to %s", got)
	}
	if !strings.Contains(a.message.text, "yesterday") {
		t.Errorf("no error for a bad scope: %q", a.message.text)
	}
}

// Typing in the search prompt or a filter must never trigger a hotkey.
func TestTypingNeverTriggersHotkeys(t *testing.T) {
	a := newTestApp(t)
	scope := a.ctx.Scope
	press(t, a, "/")
	typeText(t, a, "q?[]-+=rtdsSfxij")
	if !a.prompt.active() || a.quitting || a.overlay.title != "" || a.ctx.Scope != scope || len(a.stack.pages) != 1 {
		t.Fatalf("a key typed in search acted: prompt %v quitting %v overlay %q scope %s pages %d",
			a.prompt.active(), a.quitting, a.overlay.title, a.ctx.Scope, len(a.stack.pages))
	}
	press(t, a, "esc")
	if a.prompt.active() || len(a.stack.pages) != 1 {
		t.Error("esc did not just close the prompt")
	}
	press(t, a, "f")
	typeText(t, a, "TorClient q")
	if a.quitting {
		t.Fatal("q in a filter quit")
	}
	a.prompt.input.SetValue("TorClient")
	press(t, a, "enter")
	if n := len(a.stack.top().(*homePage).table.Rows()); n != 1 {
		t.Errorf("filter TorClient shows %d findings", n)
	}
	press(t, a, "/")
	typeText(t, a, "sara")
	press(t, a, "enter")
	if _, ok := a.stack.top().(*searchPage); !ok {
		t.Fatalf("search did not open results: %T", a.stack.top())
	}
	if !strings.Contains(a.View(), "sso:sara") {
		t.Errorf("search results lack sso:sara:\n%s", a.View())
	}
}

func TestHelpListsThePageKeys(t *testing.T) {
	a := newTestApp(t)
	press(t, a, "?")
	v := a.View()
	for _, want := range []string{"This page", "next sort column", "scope earlier", "widen scope", "type a scope", "panel guidance"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	press(t, a, "?")
	if a.overlay.title != "" {
		t.Error("? did not close help")
	}
	press(t, a, "i")
	if !strings.Contains(a.View(), "Ask:") {
		t.Error("guidance has no questions to ask")
	}
}

func TestStaleAnswerNeverOverwritesNewer(t *testing.T) {
	a := newTestApp(t)
	home := a.stack.top().(*homePage)
	old := home.req.id
	home.Load(&a.ctx) // a newer request is now in flight
	a.Update(resultMsg{page: home.id, req: old, val: nil, err: context.Canceled})
	if home.req.err != nil || !home.req.loading {
		t.Error("a stale answer was taken for the newer request")
	}
}

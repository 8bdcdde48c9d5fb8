package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
)

// Options configure the console.
type Options struct {
	Backend Backend
	// Color is false under NO_COLOR.
	Color bool
	// Start is the key of a finding or entity to open at start (gumshoe open).
	Start graph.Ref
	// Scope, when set, is the scope to start with.
	Scope *graph.Scope
	// Progress, when set, delivers the running ingest's progress.
	Progress <-chan ingest.Progress
	// ExportDir is where `x` writes tables (default: the working directory).
	ExportDir string
	// Ingesting names the sources the ingest goroutine follows, for the
	// status bar; empty when no ingest runs.
	Ingesting []string
}

// App is the root model: it owns the navigation stack, the scope time, the
// prompt, the status bar and the global keys; pages own their panels.
type App struct {
	ctx      Context
	stack    stack
	prompt   prompt
	overlay  overlay
	spin     spinner.Model
	width    int
	height   int
	nextPage int
	opts     Options
	ingest   ingestState
	message  statusMsg
	msgUntil time.Time
	// filterText and filterLabel are the global filter as typed and as
	// the header shows it (filter_global.go).
	filterText, filterLabel string
	quitting                bool
}

// overlay is a full-screen text over the page: help or guidance.
type overlay struct {
	title, body string
}

// New builds the console.
func New(opts Options) *App {
	a := &App{opts: opts, prompt: newPrompt(), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	a.ctx = Context{Backend: opts.Backend, Styles: NewStyles(opts.Color), Keys: DefaultKeyMap(), ExportDir: opts.ExportDir}
	if opts.Scope != nil {
		a.ctx.Scope, a.ctx.ScopeSet = *opts.Scope, true
	}
	a.ingest.sources = opts.Ingesting
	a.stack.push(newHomePage(a.newID(), a.ctx.Styles.Styles))
	return a
}

func (a *App) newID() int {
	a.nextPage++
	return a.nextPage
}

// nowMsg carries the graph's "now".
type nowMsg struct {
	now time.Time
	err error
}

func loadNow(b Backend) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		now, err := b.Now(ctx)
		return nowMsg{now: now, err: err}
	}
}

// tickMsg paces refreshes: new data reloads the visible page at most once
// per tick, keeping its cursor.
type tickMsg time.Time

const refreshEvery = time.Second

func tick() tea.Cmd {
	return tea.Tick(refreshEvery, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Init loads "now" first; the first page loads when it arrives, so every
// page starts with a scope.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{loadNow(a.ctx.Backend), tick(), a.spin.Tick}
	if a.opts.Progress != nil {
		cmds = append(cmds, waitProgress(a.opts.Progress))
	}
	return tea.Batch(cmds...)
}

// Update routes a message. Focus order, as in gh-dash: an open prompt
// first, then an overlay, then global keys, then the page. Typing in the
// prompt never triggers a hotkey, and never quits.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return a, nil
	case tea.KeyMsg:
		return a, a.key(msg)
	case nowMsg:
		return a, a.gotNow(msg)
	case tickMsg:
		return a, tea.Batch(tick(), a.refreshIfDirty())
	case progressMsg:
		a.ingest.update(ingest.Progress(msg))
		return a, waitProgress(a.opts.Progress)
	case ingestDoneMsg:
		a.ingest.done(msg.err)
		return a, nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		a.spin, cmd = a.spin.Update(msg)
		return a, cmd
	case openMsg:
		return a, a.openPage(msg)
	case setScopeMsg:
		return a, a.setScope(msg.scope)
	case globalFilterMsg:
		return a, a.setFilter(msg)
	case rawMsg:
		p := newRawPage(a.newID(), a.ctx.Styles.Styles, msg.q, msg.label)
		a.stack.push(p)
		return a, p.Load(&a.ctx)
	case drillMsg:
		p := newEntityPage(a.newID(), a.ctx.Styles.Styles, msg.from.ref, msg.from.finding)
		p.tab, p.details, p.calls = msg.from.tab, true, msg.calls
		a.stack.push(p)
		return a, p.Load(&a.ctx)
	case statusMsg:
		a.message, a.msgUntil = msg, time.Now().Add(5*time.Second)
		return a, nil
	case resultMsg:
		for _, p := range a.stack.pages {
			if p.ID() == msg.page {
				return a, p.Update(&a.ctx, msg)
			}
		}
		return a, nil
	}
	if a.prompt.active() {
		var cmd tea.Cmd
		a.prompt.input, cmd = a.prompt.input.Update(msg)
		return a, cmd
	}
	return a, a.stack.top().Update(&a.ctx, msg)
}

func (a *App) gotNow(msg nowMsg) tea.Cmd {
	first := a.ctx.Now.IsZero()
	if msg.err != nil {
		return status("cannot read the graph: "+msg.err.Error(), true)
	}
	a.ctx.Now = msg.now
	if !first {
		return nil
	}
	if !a.ctx.ScopeSet {
		a.ctx.Scope = graph.EntityScope(msg.now)
	}
	cmds := []tea.Cmd{a.stack.top().Load(&a.ctx)}
	if a.opts.Start.Key != "" {
		cmds = append(cmds, open(a.opts.Start, ""))
	}
	return tea.Batch(cmds...)
}

func (a *App) key(msg tea.KeyMsg) tea.Cmd {
	k := a.ctx.Keys
	if key.Matches(msg, k.ForceQuit) {
		a.quitting = true
		return tea.Quit
	}
	if a.prompt.active() {
		return a.promptKey(msg)
	}
	if a.overlay.title != "" {
		if key.Matches(msg, k.Back, k.Help, k.Guidance, k.Quit, k.Open) {
			a.overlay = overlay{}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		a.quitting = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		a.overlay = overlay{title: "Help", body: a.helpText()}
	case key.Matches(msg, k.Guidance):
		a.overlay = overlay{title: "Guidance: " + a.stack.top().Title(), body: a.stack.top().Guidance()}
	case key.Matches(msg, k.Search):
		return a.prompt.open(promptSearch, "", "ARN, session name, access key, instance id, IP or CIDR, finding id or type")
	case key.Matches(msg, k.Filter):
		if f, ok := a.stack.top().(filterable); ok {
			if initial, hint, ok := f.filterPrompt(); ok {
				return a.prompt.open(promptFilter, initial, hint)
			}
		}
	case key.Matches(msg, k.AccountFilter):
		return a.prompt.open(promptAccountFilter, a.filterText, accountFilterHint)
	case key.Matches(msg, k.TypeScope):
		return a.prompt.open(promptScope, a.ctx.Scope.String(), "2026-10-01T10:00..2026-10-01T11:00, -24h, 7d or epoch..epoch")
	case key.Matches(msg, k.Back):
		if a.stack.pop() {
			return a.stack.top().Load(&a.ctx)
		}
	case key.Matches(msg, k.ScopeBack):
		return a.setScope(a.ctx.Scope.Shift(-1))
	case key.Matches(msg, k.ScopeForward):
		return a.setScope(a.ctx.Scope.Shift(1))
	case key.Matches(msg, k.Widen):
		return a.setScope(a.ctx.Scope.Widen())
	case key.Matches(msg, k.Narrow):
		return a.setScope(a.ctx.Scope.Narrow())
	case key.Matches(msg, k.ResetScope):
		return a.setScope(a.stack.top().DefaultScope(&a.ctx))
	default:
		return a.stack.top().Update(&a.ctx, msg)
	}
	return nil
}

// promptKey handles a key while the prompt is open.
func (a *App) promptKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.ctx.Keys.Cancel):
		a.prompt.close()
		return nil
	case key.Matches(msg, a.ctx.Keys.Submit):
		text, kind := a.prompt.input.Value(), a.prompt.kind
		a.prompt.close()
		return a.submit(kind, text)
	}
	var cmd tea.Cmd
	a.prompt.input, cmd = a.prompt.input.Update(msg)
	return cmd
}

func (a *App) submit(kind promptKind, text string) tea.Cmd {
	switch kind {
	case promptSearch:
		if text == "" {
			return nil
		}
		p := newSearchPage(a.newID(), a.ctx.Styles.Styles, text)
		a.stack.push(p)
		return p.Load(&a.ctx)
	case promptAccountFilter:
		a.filterText = text
		return resolveFilter(a.ctx.Backend, text)
	case promptScope:
		sc, err := graph.ParseScope(text, a.ctx.Now)
		if err != nil {
			return status(err.Error(), true)
		}
		return a.setScope(sc)
	}
	return a.stack.top().Update(&a.ctx, filterMsg{text: text})
}

// setScope changes the scope time for every page and reloads the visible one.
func (a *App) setScope(sc graph.Scope) tea.Cmd {
	a.ctx.Scope, a.ctx.ScopeSet = sc, true
	return a.stack.top().Load(&a.ctx)
}

// openPage pushes the profile of a finding or an entity. Opening a finding
// sets the scope to its window.
func (a *App) openPage(msg openMsg) tea.Cmd {
	var p Page
	if msg.ref.Kind == graph.KindFinding.String() {
		p = newFindingPage(a.newID(), a.ctx.Styles.Styles, msg.ref.Key)
	} else {
		p = newEntityPage(a.newID(), a.ctx.Styles.Styles, msg.ref, msg.finding)
	}
	a.stack.push(p)
	return p.Load(&a.ctx)
}

// refreshIfDirty reloads the visible page when new data has landed.
func (a *App) refreshIfDirty() tea.Cmd {
	if !a.ingest.dirty {
		return nil
	}
	a.ingest.dirty = false
	return tea.Batch(loadNow(a.ctx.Backend), a.stack.top().Load(&a.ctx))
}

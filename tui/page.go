package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Context is what the root gives every page: the backend, the palette and
// keys, the scope time and the size. Pages read it; only the root changes it.
type Context struct {
	Backend Backend
	Styles  Styles
	Keys    KeyMap
	Scope   graph.Scope
	// ScopeSet is false until a finding or the user sets a scope; entity
	// pages then use their own default.
	ScopeSet bool
	Now      time.Time
	// ExportDir is where `x` writes tables.
	ExportDir string
	seq       int
}

// Page is one screen on the navigation stack, in the shape of
// soft-serve's component: a model with its key help and its own size.
type Page interface {
	// ID tells this page's query answers from others'.
	ID() int
	// Title is the page's name in the breadcrumbs.
	Title() string
	// Load starts the page's queries: when it is pushed, revealed again,
	// when the scope changes and when new data arrives.
	Load(c *Context) tea.Cmd
	// Update handles messages for the page, keys included.
	Update(c *Context, msg tea.Msg) tea.Cmd
	// View draws the page in width×height cells.
	View(c *Context, width, height int) string
	// Help lists the page's own keys, for `?`.
	Help(c *Context) []key.Binding
	// Guidance explains the active panel and the questions to ask of it.
	Guidance() string
	// DefaultScope is the scope `r` resets to on this page.
	DefaultScope(c *Context) graph.Scope
	// Loading reports a query in flight, for the spinner.
	Loading() bool
}

// openMsg asks the root to push the profile of ref.
type openMsg struct {
	ref graph.Ref
	// finding is the finding the user came from, for "from finding"
	// annotations on flow tables.
	finding string
}

func open(ref graph.Ref, finding string) tea.Cmd {
	return func() tea.Msg { return openMsg{ref: ref, finding: finding} }
}

// filterable is a page whose table takes a filter typed in the root's
// prompt. The root opens the prompt at once on `f`, so keys typed right
// after it are text, never hotkeys.
type filterable interface {
	filterPrompt() (initial, hint string, ok bool)
}

// filterMsg gives the page the filter the user typed.
type filterMsg struct{ text string }

// statusMsg shows a line in the status bar for a while.
type statusMsg struct {
	text string
	err  bool
}

func status(text string, err bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: err} }
}

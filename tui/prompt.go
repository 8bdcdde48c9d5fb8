package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// promptKind is what the prompt's text is for.
type promptKind int

const (
	promptSearch promptKind = iota + 1
	promptScope
	promptFilter
)

func (k promptKind) label() string {
	switch k {
	case promptSearch:
		return "search: "
	case promptScope:
		return "scope: "
	}
	return "filter: "
}

// prompt is the one line of text input the root owns. While it is open it
// takes every key first, so typing never triggers a hotkey.
type prompt struct {
	kind  promptKind
	hint  string
	input textinput.Model
}

func newPrompt() prompt {
	in := textinput.New()
	in.CharLimit = 512
	// A steady cursor: a blinking one redraws the screen twice a second,
	// which a slow SSH link pays for.
	in.Cursor.SetMode(cursor.CursorStatic)
	return prompt{input: in}
}

func (p *prompt) open(kind promptKind, initial, hint string) tea.Cmd {
	p.kind, p.hint = kind, hint
	p.input.Prompt = kind.label()
	p.input.SetValue(initial)
	p.input.CursorEnd()
	return p.input.Focus()
}

func (p *prompt) close() {
	p.kind = 0
	p.input.Blur()
}

func (p *prompt) active() bool { return p.kind != 0 }

package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap declares every key of the console once. Help is built from these
// bindings; no key is matched as a raw string.
type KeyMap struct {
	Search, Open, Back, NextTab, PrevTab       key.Binding
	Up, Down, PageUp, PageDown, Home, End      key.Binding
	Left, Right                                key.Binding
	ScopeBack, ScopeForward, Widen, Narrow     key.Binding
	ResetScope, TypeScope                      key.Binding
	Details, Sort, SortReverse, Filter, Export key.Binding
	Raw, Guidance, Help, Quit, ForceQuit       key.Binding
	OpenLocal, GroupBy                         key.Binding
	// Archive archives or unarchives a finding; Yes confirms it (any
	// other key says no).
	Archive, Yes key.Binding
	// AccountFilter types the global account and Region filter.
	AccountFilter key.Binding
	// Submit and Cancel act in the prompt, which takes every other key as text.
	Submit, Cancel key.Binding
}

// DefaultKeyMap is the keymap of DESIGN.md.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Search:        b([]string{"/"}, "/", "search"),
		Open:          b([]string{"enter"}, "enter", "open"),
		Back:          b([]string{"esc", "backspace"}, "esc/⌫", "back"),
		NextTab:       b([]string{"tab"}, "tab", "next tab"),
		PrevTab:       b([]string{"shift+tab"}, "shift+tab", "previous tab"),
		Up:            b([]string{"up", "k"}, "↑/k", "up"),
		Down:          b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:        b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:      b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Home:          b([]string{"home"}, "home", "first"),
		End:           b([]string{"end", "G"}, "G/end", "last"),
		Left:          b([]string{"left", "h"}, "←/h", "chart cursor left"),
		Right:         b([]string{"right", "l"}, "→/l", "chart cursor right"),
		ScopeBack:     b([]string{"["}, "[", "scope earlier"),
		ScopeForward:  b([]string{"]"}, "]", "scope later"),
		Widen:         b([]string{"-"}, "-", "widen scope"),
		Narrow:        b([]string{"+", "="}, "+/=", "narrow scope"),
		ResetScope:    b([]string{"r"}, "r", "reset scope"),
		TypeScope:     b([]string{"t"}, "t", "type a scope"),
		Details:       b([]string{"d"}, "d", "details for scope time"),
		Sort:          b([]string{"s"}, "s", "next sort column"),
		SortReverse:   b([]string{"S"}, "S", "reverse sort"),
		Filter:        b([]string{"f"}, "f", "filter"),
		Export:        b([]string{"x"}, "x", "export table"),
		Raw:           b([]string{"R"}, "R", "raw events behind the row"),
		Guidance:      b([]string{"i"}, "i", "panel guidance"),
		Help:          b([]string{"?"}, "?", "help"),
		Quit:          b([]string{"q"}, "q", "quit"),
		ForceQuit:     b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		OpenLocal:     b([]string{"o"}, "o", "open the row's local IP"),
		AccountFilter: b([]string{"A"}, "A", "filter by account, Region"),
		Submit:        b([]string{"enter"}, "enter", "apply"),
		Cancel:        b([]string{"esc"}, "esc", "cancel"),
		GroupBy:       b([]string{"g"}, "g", "group details by API, IP, key"),
		Archive:       b([]string{"a"}, "a", "archive / unarchive the finding"),
		Yes:           b([]string{"y", "Y"}, "y", "yes"),
	}
}

// globalHelp groups the keys every page has, for the help screen.
func (k KeyMap) globalHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Search, k.Open, k.Back, k.NextTab, k.PrevTab, k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.ScopeBack, k.ScopeForward, k.Widen, k.Narrow, k.ResetScope, k.TypeScope},
		{k.AccountFilter, k.Guidance, k.Help, k.Quit},
	}
}

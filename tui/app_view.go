package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// View lays out the title bar, the page and the status bar. Sizes are
// decided here, once, and handed to the page.
func (a *App) View() string {
	if a.quitting {
		return ""
	}
	if a.width == 0 || a.height == 0 {
		return "starting…"
	}
	st := a.ctx.Styles
	header := a.header()
	footer := a.footer()
	bodyHeight := a.height - 2
	var body string
	switch {
	case a.overlay.title != "":
		// Guidance is prose: wrap it to the screen rather than cut it.
		body = st.Title.Render(a.overlay.title) + "\n\n" + ansi.Wordwrap(a.overlay.body, a.width, "")
	case a.ctx.Now.IsZero():
		body = a.spin.View() + " opening the graph…"
	default:
		body = a.stack.top().View(&a.ctx, a.width, bodyHeight)
	}
	body = fit(body, a.width, bodyHeight)
	return header + "\n" + body + "\n" + footer
}

// header is the breadcrumbs and the scope time.
func (a *App) header() string {
	st := a.ctx.Styles
	scope := ""
	if !a.ctx.Now.IsZero() {
		sc := a.ctx.Scope
		scope = fmt.Sprintf("scope %s → %s (%s)", sc.Start.Format("2006-01-02 15:04"), sc.End.Format("01-02 15:04"), scopeLength(sc.Length()))
	}
	if a.filterLabel != "" {
		scope = a.filterLabel + a.filterNote() + " │ " + scope
	}
	crumbs := breadcrumbs(a.stack.crumbs(), max(a.width-lipgloss.Width(scope)-1, 0))
	gap := max(a.width-lipgloss.Width(crumbs)-lipgloss.Width(scope), 1)
	return st.Title.Render(crumbs) + strings.Repeat(" ", gap) + st.Crumb.Render(scope)
}

// breadcrumbs joins the page titles into width cells. When they do not fit,
// the oldest go first (behind "…"), so the page on screen is always named.
func breadcrumbs(titles []string, width int) string {
	for drop := range titles {
		parts := append([]string{"gumshoe"}, titles[drop:]...)
		if drop > 0 {
			parts = append([]string{"gumshoe", "…"}, titles[drop:]...)
		}
		if s := strings.Join(parts, " › "); lipgloss.Width(s) <= width {
			return s
		}
	}
	if len(titles) == 0 {
		return truncate("gumshoe", width)
	}
	return truncate("gumshoe › … › "+titles[len(titles)-1], width)
}

func scopeLength(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return fmt.Sprintf("%dh", d/time.Hour)
}

// footer is the prompt when it is open, else the status bar: loading,
// messages, ingest state, data freshness.
func (a *App) footer() string {
	st := a.ctx.Styles
	if a.prompt.active() {
		line := a.prompt.input.View()
		if a.prompt.hint != "" {
			line += "  " + st.Dim.Render(a.prompt.hint)
		}
		return truncate(line, a.width)
	}
	var parts []string
	if a.stack.top().Loading() || a.ctx.Now.IsZero() {
		parts = append(parts, a.spin.View()+"loading")
	}
	if a.message.text != "" && time.Now().Before(a.msgUntil) {
		parts = append(parts, a.message.text)
	}
	if line := a.ingest.line(); line != "" {
		parts = append(parts, line)
	}
	if !a.ctx.Now.IsZero() {
		parts = append(parts, "data to "+a.ctx.Now.Format("2006-01-02 15:04")+" UTC")
	}
	parts = append(parts, "? help")
	return st.StatusBar.Render(pad(truncate(strings.Join(parts, " │ "), a.width), a.width))
}

// helpText is built from the bindings: the page's own keys, then the
// global ones the page does not list. When one column does not fit the
// screen it takes two: the page's keys and "Other", then moving around and
// the scope time.
func (a *App) helpText() string {
	page := a.stack.top().Help(&a.ctx)
	listed := map[string]bool{}
	for _, k := range page {
		listed[k.Help().Key] = true
	}
	section := func(title string, bindings []key.Binding, skipListed bool) string {
		var b strings.Builder
		b.WriteString(a.ctx.Styles.Header.Render(title) + "\n")
		for _, k := range bindings {
			h := k.Help()
			if skipListed && listed[h.Key] {
				continue
			}
			fmt.Fprintf(&b, "  %-12s %s\n", h.Key, h.Desc)
		}
		return b.String()
	}
	groups := a.ctx.Keys.globalHelp()
	this, moving := section("This page", page, false), section("Moving around", groups[0], true)
	scope, other := section("Scope time", groups[1], true), section("Other", groups[2], true)
	body := this + "\n" + moving + "\n" + scope + "\n" + other
	// Around the body: the header, the overlay's title and a blank line,
	// a blank line and the closing hint, the status bar.
	if strings.Count(body, "\n")+6 > a.height {
		body = lipgloss.JoinHorizontal(lipgloss.Top, this+"\n"+other, "    ", moving+"\n"+scope)
	}
	return body + "\nesc or ? closes this help"
}

// fit pads or cuts text to exactly width×height cells.
func fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = pad(truncate(l, width), width)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return strings.Join(lines, "\n")
}

func pad(s string, width int) string {
	if w := lipgloss.Width(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// truncate cuts styled text to width cells, with an ellipsis.
func truncate(s string, width int) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

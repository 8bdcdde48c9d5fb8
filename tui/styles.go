package tui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// Styles is the console's palette, made once at start and passed down.
type Styles struct {
	widgets.Styles
	Title, Crumb, TabActive, Tab lipgloss.Style
	StatusBar, Warning, Error    lipgloss.Style
	Label, Value, Link           lipgloss.Style
	Severity                     [4]lipgloss.Style // low, medium, high, critical
	Box                          lipgloss.Style
}

// NewStyles builds the palette; color is false under NO_COLOR, when the
// console draws with glyphs and attributes alone.
func NewStyles(color bool) Styles {
	st := Styles{Styles: widgets.NewStyles(color)}
	st.Title = lipgloss.NewStyle().Bold(true)
	st.TabActive = lipgloss.NewStyle().Bold(true).Underline(true)
	st.Tab = lipgloss.NewStyle()
	st.StatusBar = lipgloss.NewStyle().Reverse(true)
	st.Warning = lipgloss.NewStyle().Bold(true)
	st.Error = lipgloss.NewStyle().Bold(true)
	st.Label = lipgloss.NewStyle()
	st.Value = lipgloss.NewStyle()
	st.Link = lipgloss.NewStyle().Underline(true)
	st.Box = lipgloss.NewStyle()
	for i := range st.Severity {
		st.Severity[i] = lipgloss.NewStyle()
	}
	if !color {
		return st
	}
	fg := func(c string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(c)) }
	st.Title = st.Title.Foreground(lipgloss.Color("4"))
	st.Crumb = fg("8")
	st.TabActive = st.TabActive.Foreground(lipgloss.Color("4"))
	st.StatusBar = lipgloss.NewStyle().Background(lipgloss.Color("4")).Foreground(lipgloss.Color("15"))
	st.Warning = st.Warning.Foreground(lipgloss.Color("3"))
	st.Error = st.Error.Foreground(lipgloss.Color("1"))
	st.Label = fg("8")
	st.Link = st.Link.Foreground(lipgloss.Color("6"))
	st.Severity = [4]lipgloss.Style{fg("4"), fg("3"), fg("1").Bold(true), fg("5").Bold(true)}
	return st
}

// severityStyle picks the style of a GuardDuty severity.
func (st Styles) severityStyle(s float64) lipgloss.Style {
	switch {
	case s >= 9:
		return st.Severity[3]
	case s >= 7:
		return st.Severity[2]
	case s >= 4:
		return st.Severity[1]
	}
	return st.Severity[0]
}

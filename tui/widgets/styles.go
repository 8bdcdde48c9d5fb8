package widgets

import "github.com/charmbracelet/lipgloss"

// Styles are the lipgloss styles the widgets draw with. The root app builds
// one value from its palette at start and hands it to every page; widgets
// never reach for a global style.
//
// Colour only reinforces what the glyphs already say: every widget stays
// readable with the zero Styles, which is what NO_COLOR gets. The styles
// should carry colours and attributes only: padding, borders or widths would
// break the widgets' exact cell layout.
type Styles struct {
	Success  lipgloss.Style // successful API calls (series A of a call chart)
	Failure  lipgloss.Style // failed API calls (series B)
	Inbound  lipgloss.Style // inbound bytes (series A of a flow chart)
	Outbound lipgloss.Style // outbound bytes (series B)
	Baseline lipgloss.Style // the baseline marker line
	Scope    lipgloss.Style // the scope's columns and its bracket
	Cursor   lipgloss.Style // the selected row, chart column and caret
	Header   lipgloss.Style // table headers
	Dim      lipgloss.Style // axis labels, land, footers
	New      lipgloss.Style // newly observed things (map markers)
	Known    lipgloss.Style // things seen in the baseline
}

// NewStyles returns the widgets' default styles. With color false only
// attributes that are not colours remain (reverse for the cursor, bold for
// headers), as NO_COLOR asks. Colours are the 16 basic ANSI ones where
// possible, so a plain SSH terminal shows the same palette as a true-colour
// one; lipgloss degrades the rest.
func NewStyles(color bool) Styles {
	st := Styles{
		Cursor: lipgloss.NewStyle().Reverse(true),
		Header: lipgloss.NewStyle().Bold(true),
	}
	if !color {
		return st
	}
	fg := func(c string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(c)) }
	st.Success = fg("2")  // green
	st.Failure = fg("1")  // red
	st.Inbound = fg("6")  // cyan
	st.Outbound = fg("5") // magenta
	st.Baseline = fg("3") // yellow
	st.Scope = lipgloss.NewStyle().Background(lipgloss.AdaptiveColor{Light: "254", Dark: "237"})
	st.Header = st.Header.Foreground(lipgloss.Color("4"))
	st.Dim = fg("8")              // bright black, i.e. grey
	st.New = fg("208").Bold(true) // orange
	st.Known = fg("12")           // bright blue
	return st
}

package tui

import (
	"fmt"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// chartHeight is the rows a volume chart takes above a table.
const chartHeight = 9

func (p *entityPage) View(c *Context, width, height int) string {
	st := c.Styles
	names := make([]string, len(p.tabs))
	for i, t := range p.tabs {
		names[i] = t.name
	}
	out := []string{tabBar(c, names, p.tab)}
	if p.req.err != nil {
		return strings.Join(append(out, st.Error.Render(graph.Sanitize(p.req.err.Error()))), "\n")
	}
	if p.profile == nil {
		return out[0]
	}
	out = append(out, warnings(c, p.profile.Coverage, width, height)...)
	room := height - len(out)
	switch p.current().name {
	case tabAPI.name, tabFlow.name:
		out = append(out, p.chartAndDetails(c, width, room)...)
	case tabNew.name:
		out = append(out, p.newBehaviorView(c, width, room)...)
	case tabInteraction.name:
		out = append(out, p.interactionView(c, width, room)...)
	case tabFindings.name:
		out = append(out, p.tableView(c, width, room))
	default:
		out = append(out, p.overviewView(c, width, room)...)
	}
	return strings.Join(out, "\n")
}

func (p *entityPage) tableView(c *Context, width, height int) string {
	t := p.table()
	t.SetSize(width, max(height, 2))
	return t.View()
}

// chart draws the tab's volume chart with its cursor.
func (p *entityPage) chart(c *Context, width, height int) string {
	v := p.volume()
	if v == nil {
		return ""
	}
	if p.cursor < 0 || p.cursor >= len(v.Points) {
		p.cursor = firstScopePoint(v)
	}
	p.chartWidth = width
	return widgets.Chart(*v, p.cursor, width, height, c.Styles.Styles)
}

// overviewView is the details with the main chart.
func (p *entityPage) overviewView(c *Context, width, height int) []string {
	var out []string
	if p.volume() != nil && height > chartHeight+4 {
		out = append(out, p.chart(c, width, chartHeight))
		height -= chartHeight
	}
	return append(out, p.tableView(c, width, height))
}

// chartAndDetails is the API-calls and VPC-flow tabs: the chart, and with
// d the details for scope time.
func (p *entityPage) chartAndDetails(c *Context, width, height int) []string {
	st := c.Styles
	if !p.details {
		hint := st.Dim.Render("d: details for scope time   ←/→: chart cursor")
		return []string{p.chart(c, width, max(height-1, 3)), hint}
	}
	title := "Details for scope time"
	if p.current().name == tabAPI.name {
		title += " by " + p.calls.level()
		if d := p.calls.describe(); d != "" {
			title += " (" + d + ")"
		}
	}
	if f := p.filters[p.current().name]; f != "" {
		title += "  filter: " + graph.Sanitize(f)
	}
	chartRows := min(chartHeight, max(height/3, 4))
	if height < 12 {
		return []string{st.Header.Render(title), p.tableView(c, width, height-1)}
	}
	return []string{p.chart(c, width, chartRows), st.Header.Render(title), p.tableView(c, width, height-chartRows-1)}
}

func (p *entityPage) newBehaviorView(c *Context, width, height int) []string {
	st := c.Styles
	nb := p.profile.NewBehavior
	if nb == nil {
		return nil
	}
	var out []string
	switch {
	case nb.Training:
		out = append(out, st.Warning.Render(fmt.Sprintf("in training: the graph holds account data since %s, less than 14 days before the scope; nothing is called new",
			widgets.Time(nb.AccountSince))))
	case nb.NewEntity:
		out = append(out, st.Warning.Render("new entity: first seen in this scope, in a graph with an established baseline"))
	}
	if !nb.GeoAvailable {
		out = append(out, st.Dim.Render("no GeoIP database configured: geolocations and ASOs unknown"))
	}
	height -= len(out)
	if nb.GeoAvailable && height >= 14 && width >= 60 {
		mapHeight := min(height/2, 16)
		out = append(out, widgets.WorldMap(places(nb.KnownLocations), places(nb.Geolocations), width, mapHeight, st.Styles))
		height -= mapHeight
	}
	return append(out, p.tableView(c, width, height))
}

func places(items []graph.NewItem) []graph.Place {
	out := make([]graph.Place, len(items))
	for i, it := range items {
		out[i] = graph.Place{Label: it.Value, Lat: it.Lat, Lon: it.Lon}
	}
	return out
}

func (p *entityPage) interactionView(c *Context, width, height int) []string {
	in := p.profile.Interaction
	var out []string
	if in != nil && len(in.Chain) > 1 {
		parts := make([]string, len(in.Chain))
		for i, r := range in.Chain {
			parts[i] = graph.Sanitize(refLabel(r))
		}
		out = append(out, c.Styles.Label.Render("chain: ")+strings.Join(parts, " ← "))
	}
	return append(out, p.tableView(c, width, height-len(out)))
}

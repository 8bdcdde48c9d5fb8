package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// newTabTable makes the table of a tab.
func newTabTable(st widgets.Styles, name string) *table {
	switch name {
	case tabAPI.name:
		return newTable(st, []widgets.Column{
			{Title: "", Width: 14, Flex: 2}, {Title: "", Width: 10, Flex: 3},
			{Title: "success", Width: 8, Numeric: true}, {Title: "failure", Width: 8, Numeric: true}})
	case tabFlow.name:
		return newTable(st, []widgets.Column{
			{Title: "!", Width: 1}, {Title: "local ip", Width: 10, Flex: 1}, {Title: "lport", Width: 5},
			{Title: "remote ip", Width: 15, Flex: 1}, {Title: "rport", Width: 5}, {Title: "prot", Width: 4},
			{Title: "dir", Width: 3}, {Title: "in", Width: 9, Numeric: true}, {Title: "out", Width: 9, Numeric: true},
			{Title: "ok", Width: 4, Numeric: true}, {Title: "rej", Width: 4, Numeric: true}})
	case tabNew.name:
		return newTable(st, []widgets.Column{
			{Title: "new", Width: 12}, {Title: "value", Width: 20, Flex: 3}, {Title: "detail", Width: 10, Flex: 1},
			{Title: "account", Width: 7}, {Title: "first seen", Width: 16}})
	case tabInteraction.name:
		return newTable(st, []widgets.Column{
			{Title: "relation", Width: 12}, {Title: "kind", Width: 9}, {Title: "entity", Width: 20, Flex: 3},
			{Title: "first", Width: 16}, {Title: "last", Width: 16}, {Title: "count", Width: 6, Numeric: true}})
	case tabFindings.name:
		return newTable(st, []widgets.Column{
			{Title: "sev", Width: 5, Numeric: true}, {Title: "type", Width: 20, Flex: 3}, {Title: "part", Width: 10, Flex: 1},
			{Title: "last seen", Width: 16}})
	}
	return newTable(st, []widgets.Column{{Title: "fact", Width: 17}, {Title: "value", Width: 20, Flex: 1}})
}

// fill turns the loaded panels into the active tab's rows.
func (p *entityPage) fill(c *Context) {
	pr := p.profile
	t := p.table()
	var rows []widgets.Row
	total := 0
	switch p.current().name {
	case tabAPI.name:
		if pr.APIDetails != nil {
			t.SetTitles(callTitles(p.calls.level()))
			for _, r := range pr.APIDetails.Rows {
				a, b := callCells(p.calls.level(), r)
				rows = append(rows, widgets.Row{Payload: r, Cells: []string{a, b, widgets.Count(r.Success), widgets.Count(r.Failure)}})
			}
			total = pr.APIDetails.Total
		}
	case tabFlow.name:
		if pr.FlowDetails != nil {
			for _, r := range pr.FlowDetails.Rows {
				rows = append(rows, widgets.Row{Payload: r, Cells: flowCells(r)})
			}
			total = pr.FlowDetails.Total
		}
	case tabNew.name:
		rows = newBehaviorRows(pr.NewBehavior)
	case tabInteraction.name:
		rows = interactionRows(pr.Interaction)
	case tabFindings.name:
		for _, f := range pr.Findings {
			rows = append(rows, widgets.Row{Payload: graph.Ref{Kind: graph.KindFinding.String(), Key: f.ID},
				Cells: []string{fmt.Sprintf("%.1f", f.Severity), graph.Sanitize(f.Type), f.Part, widgets.Time(f.LastSeen)}})
		}
	default:
		rows = factRows(pr)
	}
	if total == 0 {
		total = len(rows)
	}
	t.SetRows(rows, total)
}

func callTitles(level string) []string {
	switch level {
	case "ip":
		return []string{"ip address", "", "success", "failure"}
	case "key":
		return []string{"access key", "", "success", "failure"}
	case "caller":
		return []string{"caller", "kind", "success", "failure"}
	}
	return []string{"service", "API method", "success", "failure"}
}

func callCells(level string, r graph.CallRow) (string, string) {
	switch level {
	case "ip":
		return graph.Sanitize(r.IP), ""
	case "key":
		return graph.Sanitize(r.AccessKey), ""
	case "caller":
		if r.Caller != nil {
			return graph.Sanitize(r.Caller.Key), r.Caller.Kind
		}
	}
	return strings.TrimSuffix(graph.Sanitize(r.Service), ".amazonaws.com"), graph.Sanitize(r.API)
}

func flowCells(r graph.FlowRow) []string {
	mark := ""
	if r.FromFinding {
		mark = "◆"
	}
	dir := "in"
	if r.Direction == "outbound" {
		dir = "out"
	}
	return []string{mark, r.LocalIP, r.LocalPort, r.RemoteIP, r.RemotePort, r.Protocol, dir,
		widgets.Bytes(r.BytesIn), widgets.Bytes(r.BytesOut), widgets.Count(r.Accepted), widgets.Count(r.Rejected)}
}

func factRows(pr *store.Profile) []widgets.Row {
	var rows []widgets.Row
	if d := pr.Details; d != nil {
		rows = append(rows, widgets.Row{Cells: []string{"first seen", widgets.Time(d.FirstSeen)}},
			widgets.Row{Cells: []string{"last seen", widgets.Time(d.LastSeen)}})
		for _, f := range d.Facts {
			r := widgets.Row{Cells: []string{f.Name, graph.Sanitize(f.Value)}}
			if f.Ref != nil {
				r.Payload = *f.Ref
			}
			rows = append(rows, r)
		}
	}
	for _, h := range pr.Holders {
		rows = append(rows, widgets.Row{Payload: h.Instance, Cells: []string{"held by",
			fmt.Sprintf("%s (%s %s, %s → %s)", h.Instance.Key, h.Account, h.VPC, widgets.Time(h.From), widgets.Time(h.To))}})
	}
	return rows
}

func newBehaviorRows(nb *graph.NewBehavior) []widgets.Row {
	if nb == nil {
		return nil
	}
	var rows []widgets.Row
	add := func(what string, items []graph.NewItem) {
		for _, it := range items {
			acct := ""
			if it.NewForAccount {
				acct = "new"
			}
			rows = append(rows, widgets.Row{Cells: []string{what, graph.Sanitize(it.Value), graph.Sanitize(it.Detail), acct, widgets.Time(it.FirstSeen)}})
		}
	}
	add("geolocation", nb.Geolocations)
	add("API call", nb.APICalls)
	add("more calls", nb.IncreasedCalls)
	add("ASO", nb.ASOs)
	add("user agent", nb.UserAgents)
	add("known place", nb.KnownLocations)
	return rows
}

func interactionRows(in *graph.Interaction) []widgets.Row {
	if in == nil {
		return nil
	}
	var rows []widgets.Row
	edge := func(rel string, e graph.EdgeRow) {
		rows = append(rows, widgets.Row{Payload: e.Ref, Cells: []string{rel, e.Ref.Kind, graph.Sanitize(refLabel(e.Ref)),
			widgets.Time(e.FirstSeen), widgets.Time(e.LastSeen), widgets.Count(e.Count)}})
	}
	for _, e := range in.AssumedBy {
		edge("assumed by", e)
	}
	for _, e := range in.AssumedRoles {
		edge("assumed role", e)
	}
	for _, s := range in.Sessions {
		var by []string
		for _, r := range s.StartedBy {
			by = append(by, r.Key)
		}
		label := s.Session.Key + " (" + roleName(s.Role.Key) + ", by " + strings.Join(by, ", ") + ")"
		rows = append(rows, widgets.Row{Payload: s.Session, Cells: []string{"session", "session", graph.Sanitize(label),
			widgets.Time(s.FirstSeen), widgets.Time(s.LastSeen), ""}})
	}
	return rows
}

// refLabel is a reference's key, or its note where it has one.
func refLabel(r graph.Ref) string {
	if r.Note != "" {
		return r.Note
	}
	return r.Key
}

func roleName(arn string) string {
	if _, name, ok := graph.ParseRoleARN(arn); ok {
		return name
	}
	return arn
}

func (p *entityPage) filterPrompt() (initial, hint string, ok bool) {
	hint = map[string]string{
		tabAPI.name:  "text (IP, API, key), cidr:public|private|PREFIX",
		tabFlow.name: "ip:CIDR port:22 lport:N rport:N dir:inbound|outbound proto:tcp action:reject",
	}[p.current().name]
	if hint == "" {
		hint = "text"
	}
	return p.filters[p.current().name], hint, true
}

// setFilter applies a filter: in SQL-backed tabs by reloading, elsewhere
// by matching the rows' text.
func (p *entityPage) setFilter(c *Context, text string) tea.Cmd {
	name := p.current().name
	p.filters[name] = text
	switch name {
	case tabFlow.name:
		p.flows = parseFlowFilter(text, p.finding)
		return p.Load(c)
	case tabAPI.name:
		return p.Load(c)
	}
	p.table().SetFilter(text)
	return nil
}

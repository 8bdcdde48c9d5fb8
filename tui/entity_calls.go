package tui

import (
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// callsState is where the user is in "details for scope time" of API
// calls: the grouping the table started from and the rows drilled into.
// The drill-down orders are those of Detective: IP → API → caller,
// API → IP → access key, access key → IP → API.
type callsState struct {
	root string            // api, ip or key
	path []string          // groupings drilled through so far
	pick map[string]string // the value chosen at each grouping
}

var drillOrders = map[string][]string{
	"api": {"api", "ip", "key"},
	"ip":  {"ip", "api", "caller"},
	"key": {"key", "ip", "api"},
}

var roots = []string{"api", "ip", "key"}

func (s *callsState) nextRoot() {
	for i, r := range roots {
		if r == s.root {
			s.root = roots[(i+1)%len(roots)]
			return
		}
	}
	s.root = roots[0]
}

// level is the grouping the table shows now.
func (s callsState) level() string {
	order := drillOrders[s.root]
	return order[min(len(s.path), len(order)-1)]
}

// query is the store query for the current level.
func (s callsState) query() store.CallQuery {
	q := store.CallQuery{GroupBy: s.level()}
	for g, v := range s.pick {
		switch g {
		case "ip":
			q.IP = v
		case "api":
			q.API = v
		case "key":
			q.AccessKey = v
		}
	}
	return q
}

// drill moves one level down from a row, or, at the last level, names the
// entity the row is about.
func (s callsState) drill(r graph.CallRow) (callsState, graph.Ref, bool) {
	level := s.level()
	order := drillOrders[s.root]
	if len(s.path) >= len(order)-1 {
		switch level {
		case "key":
			return s, graph.Ref{Kind: graph.KindAccessKey.String(), Key: r.AccessKey}, r.AccessKey != ""
		case "caller":
			if r.Caller != nil {
				return s, *r.Caller, true
			}
		case "ip":
			return s, graph.Ref{Kind: graph.KindIP.String(), Key: r.IP}, r.IP != ""
		}
		return s, graph.Ref{}, false
	}
	next := callsState{root: s.root, path: append(append([]string{}, s.path...), level), pick: map[string]string{}}
	for k, v := range s.pick {
		next.pick[k] = v
	}
	switch level {
	case "api":
		next.pick["api"] = r.Service + ":" + r.API
	case "ip":
		next.pick["ip"] = r.IP
	case "key":
		next.pick["key"] = r.AccessKey
	}
	return next, graph.Ref{}, true
}

// describe names the drill-down for breadcrumbs: "API StopLogging › IP …".
func (s callsState) describe() string {
	var parts []string
	for _, g := range s.path {
		v := s.pick[g]
		if g == "api" {
			_, v, _ = strings.Cut(v, ":")
		}
		parts = append(parts, strings.ToUpper(g)+" "+graph.Sanitize(v))
	}
	return strings.Join(parts, " › ")
}

// splitCallFilter reads an API details filter: "cidr:public" (or
// private, or a prefix) and free text that matches IPs, APIs and keys.
func splitCallFilter(f string) (cidr, text string) {
	var words []string
	for _, w := range strings.Fields(f) {
		if v, ok := strings.CutPrefix(w, "cidr:"); ok {
			cidr = v
			continue
		}
		words = append(words, w)
	}
	return cidr, strings.Join(words, " ")
}

var flowFilterNames = map[string]bool{"ip": true, "port": true, "lport": true, "local": true, "rport": true,
	"remote": true, "dir": true, "direction": true, "proto": true, "protocol": true, "action": true}

// parseFlowFilter reads a flow filter: ip:ADDR|CIDR, port:N (local or
// remote), lport:N, rport:N, dir:inbound|outbound, proto:tcp|udp|icmp|N,
// action:accept|reject. A bare address or CIDR is ip:, a bare number port:.
func parseFlowFilter(f string, finding string) store.FlowQuery {
	q := store.FlowQuery{Finding: finding}
	for _, w := range strings.Fields(strings.ToLower(f)) {
		name, val, ok := strings.Cut(w, ":")
		if !ok || !flowFilterNames[name] {
			name, val = "", w // a bare value, IPv6 addresses included
		}
		switch name {
		case "ip":
			q.IP = val
		case "port":
			q.Port = val
		case "lport", "local":
			q.LocalPort = val
		case "rport", "remote":
			q.RemotePort = val
		case "dir", "direction":
			q.Direction = val
		case "proto", "protocol":
			q.Protocol = val
		case "action":
			q.Action = val
		case "":
			if strings.Trim(val, "0123456789") == "" {
				q.Port = val
			} else {
				q.IP = val
			}
		}
	}
	return q
}

package tui

import (
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// FuzzFilters feeds the filter parsers what a user may type: they must
// never panic, and what they keep must be what was typed.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{"port:22 dir:outbound", "ip:172.16.0.0/16 proto:6 action:reject", "2001:db8::1",
		"sev>=7 type:tor account:1234", "cidr:public StopLogging", "sev:high x:y:z", "'; DROP TABLE entity; --", "\x1b[31m"} {
		f.Add(s)
	}
	row := graph.FindingRow{ID: "f", Type: "UnauthorizedAccess:EC2/TorClient", Severity: 8, Account: "123456789012"}
	flow := graph.FlowRow{LocalIP: "172.16.0.7", LocalPort: "*", RemoteIP: "172.16.0.21", RemotePort: "22",
		Protocol: "tcp", Direction: "outbound", Accepted: 1}
	f.Fuzz(func(t *testing.T, text string) {
		q := parseFlowFilter(text, "finding")
		if q.Finding != "finding" {
			t.Fatalf("%q lost the finding", text)
		}
		for _, v := range []string{q.IP, q.Port, q.LocalPort, q.RemotePort, q.Direction, q.Protocol, q.Action} {
			if v != "" && !strings.Contains(strings.ToLower(text), v) {
				t.Fatalf("%q produced %q from nowhere", text, v)
			}
		}
		_ = q.Matches(flow)
		cidr, rest := splitCallFilter(text)
		if cidr != "" && !strings.Contains(text, cidr) || len(rest) > len(text) {
			t.Fatalf("%q split into %q and %q", text, cidr, rest)
		}
		_ = store.ParseCIDR(cidr)
		findingMatches(row, text)
	})
}

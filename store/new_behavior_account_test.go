package store

import (
	"context"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// What is new for alice but that a colleague in her account did in the
// baseline is new for her only: NewForAccount is false for the API, the
// user agent, the place and the ASO, and true for what nobody did.
func TestNewBehaviorKnownToTheAccount(t *testing.T) {
	bob := incidentCall("bob1", "StopLogging", "203.0.113.7", "evil-agent/1")
	bob.Identity.UserName, bob.Identity.AccessKeyID = "bob", "AKIABOB"
	bob.Time = incident.Add(-3 * 24 * time.Hour)
	st := history(t, 30, incident, bob,
		incidentCall("x1", "StopLogging", "203.0.113.9", "evil-agent/1"),
		incidentCall("x2", "DeleteTrail", "192.0.2.10", "aws-cli/2"),
		incidentCall("x3", "DescribeInstances", "192.0.2.10", "other-agent/9"))
	nb := newBehavior(t, st, "arn:aws:iam::123456789012:user/alice", graph.NewScope(incident, incident.Add(time.Hour)))
	forAccount := func(items []graph.NewItem) map[string]bool {
		m := map[string]bool{}
		for _, it := range items {
			m[it.Value] = it.NewForAccount
		}
		return m
	}
	check := func(panel string, items []graph.NewItem, want map[string]bool) {
		t.Helper()
		got := forAccount(items)
		if len(got) != len(want) {
			t.Errorf("%s = %+v, want %v", panel, items, want)
		}
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("%s: %s new for the account = %v (present %v), want %v", panel, k, g, ok, v)
			}
		}
	}
	check("API calls", nb.APICalls, map[string]bool{"ec2.amazonaws.com:StopLogging": false, "ec2.amazonaws.com:DeleteTrail": true})
	check("user agents", nb.UserAgents, map[string]bool{"evil-agent/1": false, "other-agent/9": true})
	check("geolocations", nb.Geolocations, map[string]bool{"Elsewhere, XX": false})
	check("ASOs", nb.ASOs, map[string]bool{"Example VPN": false})
}

// The summary's new geolocations: the place of the window's call from
// 203.0.113.9 is new, home (seen every day of the baseline) is not.
func TestSummaryNewLocations(t *testing.T) {
	st := history(t, 30, incident,
		incidentCall("x1", "StopLogging", "203.0.113.9", "evil-agent/1"),
		incidentCall("x2", "DescribeInstances", "192.0.2.10", "aws-cli/2"))
	sum, err := st.Summary(context.Background(), incident)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.NewLocations) != 1 || sum.NewLocations[0].Place != "Elsewhere, XX" || sum.NewLocations[0].IP != "203.0.113.9" {
		t.Errorf("new locations = %+v, want only Elsewhere, XX from 203.0.113.9", sum.NewLocations)
	}
}

package store

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// fixedLocator places two networks, for tests.
type fixedLocator struct{}

func (fixedLocator) Locate(a netip.Addr) (graph.Place, bool) {
	switch {
	case netip.MustParsePrefix("192.0.2.0/25").Contains(a):
		return graph.Place{Label: "Bellevue, WA, US", ASO: "Example Home ISP"}, true
	case netip.MustParsePrefix("203.0.113.0/24").Contains(a):
		return graph.Place{Label: "Elsewhere, XX", ASO: "Example VPN"}, true
	}
	return graph.Place{}, false
}

// history writes alice's routine (one DescribeInstances a day from home)
// for days, ending the day before incident, plus what extra adds.
func history(t *testing.T, days int, incident time.Time, extra ...graph.APICall) *Store {
	t.Helper()
	st := openTemp(t)
	st.SetLocator(fixedLocator{})
	w, err := st.NewWriter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d := NewDelta(Checkpoint{URI: "history", Delivery: "trail", Complete: true})
	for i := days; i >= 1; i-- {
		c := call("h"+time.Duration(i).String(), 0, "DescribeInstances", false)
		c.Time = incident.Add(-time.Duration(i) * 24 * time.Hour)
		d.AddCall(&c)
	}
	for i := range extra {
		d.AddCall(&extra[i])
	}
	if _, err := w.Commit(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return st
}

func newBehavior(t *testing.T, st *Store, key string, scope graph.Scope) *graph.NewBehavior {
	t.Helper()
	p, err := st.Profile(context.Background(), ProfileRequest{Key: key, Scope: &scope, Panels: []string{PanelNewBehavior}})
	if err != nil {
		t.Fatal(err)
	}
	return p.NewBehavior
}

var incident = time.Date(2026, 10, 14, 17, 0, 0, 0, time.UTC)

func incidentCall(id, api, ip, agent string) graph.APICall {
	c := call(id, 5, api, false)
	c.SourceIP, c.UserAgent = ip, agent
	return c
}

func TestNewBehaviorInMatureGraph(t *testing.T) {
	st := history(t, 30, incident,
		incidentCall("x1", "StopLogging", "203.0.113.9", "evil-agent/1"),
		incidentCall("x2", "DescribeInstances", "192.0.2.10", "aws-cli/2"))
	nb := newBehavior(t, st, "arn:aws:iam::123456789012:user/alice", graph.NewScope(incident, incident.Add(time.Hour)))
	if nb.Training || nb.NewEntity {
		t.Fatalf("training=%v new entity=%v in a 30-day graph", nb.Training, nb.NewEntity)
	}
	if len(nb.APICalls) != 1 || nb.APICalls[0].Value != "ec2.amazonaws.com:StopLogging" || !nb.APICalls[0].NewForAccount {
		t.Errorf("new API calls = %+v", nb.APICalls)
	}
	if len(nb.Geolocations) != 1 || nb.Geolocations[0].Value != "Elsewhere, XX" {
		t.Errorf("new geolocations = %+v", nb.Geolocations)
	}
	if len(nb.KnownLocations) != 1 || nb.KnownLocations[0].Value != "Bellevue, WA, US" {
		t.Errorf("known geolocations = %+v", nb.KnownLocations)
	}
	if len(nb.ASOs) != 1 || nb.ASOs[0].Value != "Example VPN" {
		t.Errorf("new ASOs = %+v", nb.ASOs)
	}
	if len(nb.UserAgents) != 1 || nb.UserAgents[0].Value != "evil-agent/1" {
		t.Errorf("new user agents = %+v", nb.UserAgents)
	}
}

func TestNewBehaviorIncreasedVolume(t *testing.T) {
	var burst []graph.APICall
	for i := 0; i < 40; i++ {
		burst = append(burst, incidentCall("b"+time.Duration(i).String(), "DescribeInstances", "192.0.2.10", "aws-cli/2"))
	}
	st := history(t, 30, incident, burst...)
	nb := newBehavior(t, st, "arn:aws:iam::123456789012:user/alice", graph.NewScope(incident, incident.Add(time.Hour)))
	if len(nb.IncreasedCalls) != 1 || nb.IncreasedCalls[0].Value != "ec2.amazonaws.com:DescribeInstances" || nb.IncreasedCalls[0].Detail == "" {
		t.Errorf("increased calls = %+v", nb.IncreasedCalls)
	}
}

func TestNewBehaviorInTraining(t *testing.T) {
	st := history(t, 5, incident, incidentCall("x1", "StopLogging", "203.0.113.9", "evil-agent/1"))
	nb := newBehavior(t, st, "arn:aws:iam::123456789012:user/alice", graph.NewScope(incident, incident.Add(time.Hour)))
	if !nb.Training {
		t.Fatal("5 days of data is not training")
	}
	if len(nb.APICalls)+len(nb.Geolocations)+len(nb.UserAgents)+len(nb.ASOs) != 0 {
		t.Errorf("a graph in training called things new: %+v", nb)
	}
}

func TestBrandNewEntityInMatureGraphIsNews(t *testing.T) {
	intruder := incidentCall("x1", "ListBuckets", "203.0.113.9", "evil-agent/1")
	intruder.Identity.UserName = "mallory"
	st := history(t, 30, incident, intruder)
	nb := newBehavior(t, st, "arn:aws:iam::123456789012:user/mallory", graph.NewScope(incident, incident.Add(time.Hour)))
	if nb.Training || !nb.NewEntity {
		t.Fatalf("a new user in a mature graph: training=%v new entity=%v", nb.Training, nb.NewEntity)
	}
	if len(nb.APICalls) != 1 || !nb.APICalls[0].NewForAccount {
		t.Errorf("empty baseline: every call is new, and ListBuckets new for the account: %+v", nb.APICalls)
	}
}

func TestBaselineAndScopeAtRetentionEdge(t *testing.T) {
	st := history(t, 30, incident)
	// A scope at the very start of the data: its baseline is empty and the
	// graph is in training, not "everything is new".
	first := incident.Add(-30 * 24 * time.Hour)
	scope := graph.NewScope(first, first.Add(time.Hour))
	p, err := st.Profile(context.Background(), ProfileRequest{Key: "arn:aws:iam::123456789012:user/alice", Scope: &scope,
		Panels: []string{PanelNewBehavior, PanelAPIVolume}})
	if err != nil {
		t.Fatal(err)
	}
	if !p.NewBehavior.Training || len(p.NewBehavior.APICalls) != 0 {
		t.Errorf("scope at the data's start: %+v", p.NewBehavior)
	}
	if p.APIVolume.BaselineA != 0 {
		t.Errorf("empty baseline averages %v", p.APIVolume.BaselineA)
	}
	// One call a day over a baseline of 30 days: 1/24 per hour.
	scope = graph.NewScope(incident, incident.Add(time.Hour))
	p, _ = st.Profile(context.Background(), ProfileRequest{Key: "arn:aws:iam::123456789012:user/alice", Scope: &scope,
		Panels: []string{PanelAPIVolume}})
	if got := p.APIVolume.BaselineA; got < 0.040 || got > 0.043 {
		t.Errorf("baseline = %v calls/hour, want about 1/24 (over the hours alice existed)", got)
	}
}

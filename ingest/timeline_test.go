package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
)

func readTimeline(t *testing.T, st *store.Store, key string, scope graph.Scope) *ingest.Timeline {
	t.Helper()
	tl, err := ingest.ReadTimeline(context.Background(), st, key, scope, "")
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// describeTimeline renders calls as "API[!] -> pivot-kind:key" lines, !
// marking a failure.
func describeTimeline(calls []ingest.TimelineCall) []string {
	var out []string
	for _, c := range calls {
		s := c.API
		if c.Failed {
			s += "!"
		}
		for _, p := range c.Pivots {
			s += fmt.Sprintf(" -> %s:%s", p.Kind, p.Key)
		}
		out = append(out, s)
	}
	return out
}

func TestDemoTimelineOfTheDemoRole1Session(t *testing.T) {
	st := demotest.Open(t)
	tl := readTimeline(t, st, demo.SaraDemoSession, graph.NewScope(demo.IncidentHour, demo.IncidentHour))
	role := " -> role:" + demo.DemoRoleARN
	want := []string{"DescribeInstances", "DescribeInstances", "DescribeInstances",
		"RunInstances -> instance:" + demo.NewInstance,
		"AttachRolePolicy!" + role, "AttachRolePolicy!" + role, "AttachRolePolicy" + role,
		"DescribeInstances"}
	if got := describeTimeline(tl.Calls); !slices.Equal(got, want) {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tl.Total != len(want) || tl.Truncated || tl.Origin != nil {
		t.Errorf("total %d, truncated %v, origin %+v", tl.Total, tl.Truncated, tl.Origin)
	}
	for i, c := range tl.Calls {
		if i > 0 && c.Time.Before(tl.Calls[i-1].Time) {
			t.Errorf("call %d at %s is before the one above it", i, c.Time)
		}
		if c.Principal.Key != demo.SaraDemoSession || c.SourceIP != demo.SaraIncidentIP || c.UserAgent != demo.SaraConsoleUserAgent {
			t.Errorf("call %d: principal %s, from %s with %s", i, c.Principal.Key, c.SourceIP, c.UserAgent)
		}
	}
	if run := tl.Calls[3]; run.EventID != demo.IncidentRunInstancesID || run.JSON != nil {
		t.Errorf("RunInstances is %s, with raw JSON %d bytes", run.EventID, len(run.JSON))
	}
}

func TestDemoTimelineOfARoleNamesItsSessions(t *testing.T) {
	st := demotest.Open(t)
	tl := readTimeline(t, st, demo.DemoRoleARN, graph.NewScope(demo.IncidentHour, demo.IncidentHour))
	by := map[string]int{}
	for _, c := range tl.Calls {
		by[c.Principal.Key]++
	}
	if by[demo.SaraDemoSession] != 8 {
		t.Errorf("calls by session: %v", by)
	}
}

func TestDemoOriginOfTheChainedSessionsKey(t *testing.T) {
	st := demotest.Open(t)
	tl := readTimeline(t, st, demo.IncidentDemoKey, graph.NewScope(demo.IncidentHour, demo.IncidentHour))
	if tl.Total != 8 {
		t.Errorf("the key signed %d calls in the incident hour, want 8", tl.Total)
	}
	o := tl.Origin
	if o == nil || o.Event == nil {
		t.Fatalf("origin: %+v", o)
	}
	if o.API != "AssumeRole" || o.IssuedTo.Key != demo.SaraDemoSession || o.StartedBy.Key != demo.SaraAdminSession ||
		!o.IssuedAt.Equal(demo.ChainTime) || o.Note != "" {
		t.Errorf("origin: %s to %+v by %+v at %s (%s)", o.API, o.IssuedTo, o.StartedBy, o.IssuedAt, o.Note)
	}
	ev := o.Event
	if ev.EventID != demo.IncidentAssumeEventID || ev.Principal.Key != demo.SaraAdminSession ||
		!bytes.Contains(ev.JSON, []byte(demo.IncidentDemoKey)) || !bytes.Contains(objectBody(t, ev.Object), ev.JSON) {
		t.Errorf("issuing event %s by %s: %s", ev.EventID, ev.Principal.Key, ev.JSON)
	}
	want := []string{"session:" + demo.SaraDemoSession, "role:" + demo.DemoRoleARN, "accesskey:" + demo.IncidentDemoKey}
	var got []string
	for _, p := range ev.Pivots {
		got = append(got, p.Kind+":"+p.Key)
	}
	if !slices.Equal(got, want) {
		t.Errorf("AssumeRole pivots %v, want %v", got, want)
	}
}

func TestDemoOriginOfTheSignInKey(t *testing.T) {
	st := demotest.Open(t)
	o := readTimeline(t, st, demo.IncidentAdminKey, graph.NewScope(demo.IncidentHour, demo.IncidentHour)).Origin
	if o == nil || o.Event == nil || o.API != "AssumeRoleWithSAML" || o.StartedBy.Key != graph.SSOKey(demo.SaraUser) {
		t.Fatalf("origin: %+v", o)
	}
}

func TestDemoOriginOfALongTermKey(t *testing.T) {
	st := demotest.Open(t)
	o := readTimeline(t, st, demo.AliceAccessKey, graph.EntityScope(demo.HistoryEnd)).Origin
	if o == nil || o.Event != nil || o.IssuedTo != nil || !strings.Contains(o.Note, "no CreateAccessKey") {
		t.Errorf("origin: %+v", o)
	}
}

func TestOriginOfACreatedKey(t *testing.T) {
	r := newRawLogs(t)
	tl := readTimeline(t, r.st, "AKIABOBNEW", graph.NewScope(rawHour, rawHour))
	o := tl.Origin
	bob := graph.UserKey("123456789012", "bob")
	if o == nil || o.Event == nil || o.API != "CreateAccessKey" || o.IssuedTo.Key != bob || o.StartedBy != nil {
		t.Fatalf("origin: %+v", o)
	}
	if o.Event.EventID != "e-10" || o.Event.Principal.Key != graph.UserKey("123456789012", "alice") {
		t.Errorf("issuing event %s by %s", o.Event.EventID, o.Event.Principal.Key)
	}
	if got := describeTimeline([]ingest.TimelineCall{*o.Event}); !slices.Equal(got, []string{"CreateAccessKey -> accesskey:AKIABOBNEW -> user:" + bob}) {
		t.Errorf("pivots: %v", got)
	}
	if tl.Total != 0 || len(tl.Calls) != 0 {
		t.Errorf("the new key made %d calls", tl.Total)
	}
}

package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	demotest.Cleanup()
	os.Exit(code)
}

func profile(t *testing.T, st *store.Store, req store.ProfileRequest) *store.Profile {
	t.Helper()
	p, err := st.Profile(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func scopeOf(t *testing.T, text string) *graph.Scope {
	s, err := graph.ParseScope(text, demo.HistoryEnd)
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

func fact(d *graph.Details, name string) []string {
	var out []string
	for _, f := range d.Facts {
		if f.Name == name {
			out = append(out, f.Value)
		}
	}
	return out
}

// The role-session walkthrough: who disabled CloudTrail, what else they
// did, whether it is normal for them.
func TestWalkthroughRoleSession(t *testing.T) {
	st := demotest.Open(t)
	f := profile(t, st, store.ProfileRequest{Key: demo.TrailFindingID})
	if got := f.Scope.String(); got != graph.FindingScope(demo.StopLoggingTime, demo.StopLoggingTime).String() || f.Scope.Hours() != 1 {
		t.Errorf("finding scope = %s, want the StopLogging hour", got)
	}
	var actor string
	for _, inv := range f.Finding.Involved {
		if inv.Part == string(graph.PartActor) && inv.Ref.Kind == "session" {
			actor = inv.Ref.Key
		}
	}
	if actor != demo.SaraAdminSession {
		t.Fatalf("finding's actor session = %q", actor)
	}

	s := profile(t, st, store.ProfileRequest{Key: actor, Scope: &f.Scope})
	if got := fact(s.Details, "started by"); len(got) != 1 || got[0] != "sso:sara" {
		t.Errorf("started by %v, want sso:sara", got)
	}
	nb := s.NewBehavior
	if nb.Training || nb.NewEntity {
		t.Errorf("mature session reported as training=%v new=%v", nb.Training, nb.NewEntity)
	}
	if len(nb.Geolocations) != 0 || !nb.GeoAvailable {
		t.Errorf("new geolocations %v (GeoIP available: %v), want none", nb.Geolocations, nb.GeoAvailable)
	}
	known := map[string]bool{}
	for _, k := range nb.KnownLocations {
		known[strings.Split(k.Value, ",")[0]] = true
	}
	if len(known) != 2 || !known["Bellevue"] || !known["Ashburn"] {
		t.Errorf("sara's known geolocations = %+v, want Bellevue and Ashburn", nb.KnownLocations)
	}
	apis := map[string]graph.CallRow{}
	for _, r := range s.APIDetails.Rows {
		apis[r.API] = r
	}
	if len(apis) != 2 || apis["StopLogging"].Success != 1 || apis["AssumeRole"].Success != 1 {
		t.Errorf("API calls in scope = %+v, want StopLogging and AssumeRole", s.APIDetails.Rows)
	}
	var chained *graph.SessionRow
	for i, r := range s.Interaction.Sessions {
		if r.Role.Key == demo.DemoRoleARN {
			chained = &s.Interaction.Sessions[i]
		}
	}
	if chained == nil || chained.Session.Key != demo.SaraDemoSession {
		t.Fatalf("sessions involved = %+v, want sara's DemoRole1 session", s.Interaction.Sessions)
	}
	if len(s.Interaction.Chain) < 2 || s.Interaction.Chain[len(s.Interaction.Chain)-1].Key != "sso:sara" {
		t.Errorf("chain = %v, want it to end at sso:sara", s.Interaction.Chain)
	}

	d := profile(t, st, store.ProfileRequest{Key: chained.Session.Key, Scope: &f.Scope})
	got := map[string]graph.CallRow{}
	for _, r := range d.APIDetails.Rows {
		got[r.API] = r
	}
	if got["DescribeInstances"].Success == 0 || got["RunInstances"].Success == 0 ||
		got["AttachRolePolicy"].Failure != demo.IncidentAttachFailures || got["AttachRolePolicy"].Success != demo.IncidentAttachSuccesses {
		t.Errorf("DemoRole1 session calls = %+v", d.APIDetails.Rows)
	}
	var before int64
	for _, p := range d.APIVolume.Points {
		if p.Start.Before(f.Scope.Start) {
			before += p.A + p.B
		}
	}
	if before == 0 && d.APIVolume.BaselineA == 0 {
		t.Error("sara's DemoRole1 session shows no earlier activity")
	}
	if len(d.Interaction.Chain) < 3 || d.Interaction.Chain[1].Key != demo.SaraAdminSession {
		t.Errorf("chain of the DemoRole1 session = %v", d.Interaction.Chain)
	}

	cov := f.Coverage
	var stopped bool
	for _, w := range cov.Warnings {
		stopped = stopped || strings.Contains(w, "demo-trail-2 stopped logging")
	}
	if !stopped {
		t.Errorf("coverage warnings %v lack demo-trail-2's StopLogging", cov.Warnings)
	}
	orgOn := false
	for _, del := range profile(t, st, store.ProfileRequest{Key: chained.Session.Key, Scope: scopeOf(t, "2026-10-14T18:00..2026-10-15T18:00"), Panels: []string{store.PanelCoverage}}).Coverage.Deliveries {
		if strings.HasPrefix(del.Name, demo.OrgTrailName) && del.Region == demo.Region && del.HoursCovered > 0 {
			orgOn = true
		}
		if strings.HasPrefix(del.Name, demo.AccountTrailName) && del.HoursCovered > 0 {
			t.Errorf("demo-trail-2 delivered after StopLogging: %+v", del)
		}
	}
	if !orgOn {
		t.Error("the organisation trail does not go on after StopLogging")
	}
}

// The VPC-flow walkthrough: the TorClient finding's flows, the spikes, the
// port-22 transfers, and the pivot to 172.16.0.7.
func TestWalkthroughVPCFlows(t *testing.T) {
	st := demotest.Open(t)
	f := profile(t, st, store.ProfileRequest{Key: demo.TorFindingID})
	inst := profile(t, st, store.ProfileRequest{Key: demo.Instance, Scope: &f.Scope,
		Flows: store.FlowQuery{Finding: demo.TorFindingID}})
	rows := inst.FlowDetails.Rows
	fromFinding := map[string]bool{}
	for i, r := range rows {
		if r.FromFinding {
			fromFinding[r.RemoteIP] = true
			if i >= 3 {
				t.Errorf("annotated row %d not sorted first", i)
			}
		}
	}
	for _, ip := range demo.TorRemoteIPs {
		if !fromFinding[ip] {
			t.Errorf("Tor IP %s not marked from finding", ip)
		}
	}
	for i, ip := range demo.SpikeIPs {
		found := false
		for _, r := range rows {
			if r.RemoteIP == ip && r.LocalPort == "443" && r.Direction == "inbound" {
				found = true
				if r.FromFinding || r.BytesIn != demo.SpikeBytes[i] {
					t.Errorf("spike row %+v", r)
				}
			}
		}
		if !found {
			t.Errorf("no inbound 443 row from spike IP %s", ip)
		}
	}
	port22 := profile(t, st, store.ProfileRequest{Key: demo.Instance, Scope: &f.Scope,
		Flows: store.FlowQuery{RemotePort: "22", Direction: "outbound"}})
	var big bool
	for _, r := range port22.FlowDetails.Rows {
		if r.RemotePort != "22" {
			t.Errorf("port filter let through %+v", r)
		}
		if r.LocalIP == demo.InstanceIP && r.RemoteIP == demo.Port22BigPeer && r.BytesOut == demo.Port22BigBytes {
			big = true
		}
	}
	if !big || port22.FlowDetails.Total <= len(port22.FlowDetails.Rows) {
		t.Errorf("port-22 outbound rows %+v lack the 218 MB transfer (or the filter filtered nothing)", port22.FlowDetails.Rows)
	}

	ip := profile(t, st, store.ProfileRequest{Key: demo.InstanceIP, Scope: &f.Scope})
	if len(ip.Holders) != 1 || ip.Holders[0].Instance.Key != demo.Instance {
		t.Errorf("holders of %s = %+v", demo.InstanceIP, ip.Holders)
	}
	brute := 0
	for _, fr := range ip.Findings {
		if fr.Type == demo.SSHBruteFindingType {
			brute++
		}
	}
	if brute != 2 {
		t.Errorf("%s's findings = %+v, want both SSH brute-force findings", demo.InstanceIP, ip.Findings)
	}
}

func TestProfileUnknownKeyAndPanel(t *testing.T) {
	st := demotest.Open(t)
	if _, err := st.Profile(context.Background(), store.ProfileRequest{Key: "nope"}); err == nil {
		t.Error("profile of an unknown key")
	}
	if _, err := st.Profile(context.Background(), store.ProfileRequest{Key: demo.Instance, Panels: []string{store.PanelNewBehavior}}); err == nil {
		t.Error("an instance has no new-behavior panel, yet it was served")
	}
}

func TestSummaryOfTheIncidentDay(t *testing.T) {
	st := demotest.Open(t)
	sum, err := st.Summary(context.Background(), demo.VPCWindowEnd)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Window.Hours() != 24 || !sum.GeoAvailable {
		t.Errorf("window %s, geo %v", sum.Window, sum.GeoAvailable)
	}
	if len(sum.TopInstances) == 0 || sum.TopInstances[0].Ref.Key != demo.Instance || len(sum.TopInstances[0].Series) != 7 {
		t.Errorf("top instances = %+v", sum.TopInstances)
	}
	roles := map[string]bool{}
	for _, r := range sum.TopRoles {
		roles[r.Ref.Key] = true
	}
	if !roles[demo.DemoRoleARN] || !roles[graph.RoleKey(demo.MemberAccount, demo.AdminRoleName)] {
		t.Errorf("top roles = %+v", sum.TopRoles)
	}
	if len(sum.Findings) == 0 || sum.Findings[0].ID != demo.TorFindingID {
		t.Errorf("findings = %+v, want the TorClient finding first", sum.Findings)
	}
}

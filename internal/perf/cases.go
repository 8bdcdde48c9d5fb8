package perf

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// Targets: the p95 a panel, a search, and opening a profile or page
// should stay within (issue 5), and a key press in the console.
const (
	PanelTarget  = 50 * time.Millisecond
	SearchTarget = 20 * time.Millisecond
	OpenTarget   = 100 * time.Millisecond
	KeyTarget    = 16 * time.Millisecond
)

// Case is one measured operation: Run(i) runs its i-th request, and is
// timed whole. A case that must leave parts of a request untimed (the
// console's key that starts a query and the frame that shows its answer,
// timed as one with the query between them left out) sets Timed instead,
// which runs request i and says how long its timed parts took.
type Case struct {
	Name   string
	Target time.Duration
	N      int
	Run    func(ctx context.Context, i int) error
	Timed  func(ctx context.Context, i int) (time.Duration, error)
}

func (c Case) measure(ctx context.Context, i int) (time.Duration, error) {
	if c.Timed != nil {
		return c.Timed(ctx, i)
	}
	t0 := time.Now()
	err := c.Run(ctx, i)
	return time.Since(t0), err
}

// ScopeLength is one of the scopes panels are measured at.
type ScopeLength struct {
	Name   string
	Length time.Duration
}

// Scopes are the scope lengths of the targets: 1 hour to 365 days.
var Scopes = []ScopeLength{{"1h", time.Hour}, {"1d", 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"365d", 365 * 24 * time.Hour}}

// panelCase is one panel query: a panel and the shape of its details.
type panelCase struct {
	name  string
	panel string
	calls store.CallQuery
	// scoped panels depend on the scope; details and findings do not and
	// run at 1 day only.
	scoped bool
}

var panelCases = []panelCase{
	{"details", store.PanelDetails, store.CallQuery{}, false},
	{"findings", store.PanelFindings, store.CallQuery{}, false},
	{"api_volume", store.PanelAPIVolume, store.CallQuery{}, true},
	{"api_details_by_api", store.PanelAPIDetails, store.CallQuery{GroupBy: "api"}, true},
	{"api_details_by_ip", store.PanelAPIDetails, store.CallQuery{GroupBy: "ip"}, true},
	{"api_details_by_key", store.PanelAPIDetails, store.CallQuery{GroupBy: "key"}, true},
	{"new_behavior", store.PanelNewBehavior, store.CallQuery{}, true},
	{"resource_interaction", store.PanelInteraction, store.CallQuery{}, true},
	{"flow_volume", store.PanelFlowVolume, store.CallQuery{}, true},
	{"flow_details", store.PanelFlowDetails, store.CallQuery{}, true},
	{"holders", store.PanelHolders, store.CallQuery{}, true},
	{"coverage", store.PanelCoverage, store.CallQuery{}, true},
}

// Kinds are the entity kinds whose profiles are measured.
var Kinds = []graph.Kind{graph.KindRole, graph.KindSession, graph.KindUser, graph.KindFederated,
	graph.KindAccessKey, graph.KindIP, graph.KindInstance}

// SampleFunc gives the samples of a kind.
type SampleFunc func(kind graph.Kind) ([]Sample, error)

// PanelCases are every panel of every kind at every scope (named
// kind/panel/scope), over the samples of each kind.
func PanelCases(st *store.Store, samples SampleFunc) ([]Case, error) {
	var out []Case
	for _, kind := range Kinds {
		ss, err := samples(kind)
		if err != nil {
			return nil, err
		}
		for _, pc := range panelCases {
			if !slices.Contains(store.PanelsOf(kind), pc.panel) {
				continue
			}
			scopes := Scopes
			if !pc.scoped {
				scopes = Scopes[1:2]
			}
			for _, sc := range scopes {
				reqs := make([]store.ProfileRequest, len(ss))
				for i, s := range ss {
					scope := s.Scope(sc.Length)
					reqs[i] = store.ProfileRequest{Key: s.Key, Kind: s.Kind, Scope: &scope, Panels: []string{pc.panel}, Calls: pc.calls}
				}
				out = append(out, Case{Name: fmt.Sprintf("%s/%s/%s", kind, pc.name, sc.Name), Target: PanelTarget, N: len(reqs),
					Run: func(ctx context.Context, i int) error {
						_, err := st.Profile(ctx, reqs[i])
						return err
					}})
			}
		}
	}
	return out, nil
}

// ProfileCases open each kind's profile at one day of scope, asking for
// the panels the console asks for when it opens one (openPanels: the
// first tab's), and a finding's profile.
func ProfileCases(st *store.Store, samples SampleFunc, openPanels func(graph.Kind) []string) ([]Case, error) {
	var out []Case
	for _, kind := range append(slices.Clone(Kinds), graph.KindFinding) {
		ss, err := samples(kind)
		if err != nil {
			return nil, err
		}
		out = append(out, Case{Name: fmt.Sprintf("%s/open", kind), Target: OpenTarget, N: len(ss),
			Run: func(ctx context.Context, i int) error {
				req := store.ProfileRequest{Key: ss[i].Key, Kind: ss[i].Kind}
				if kind != graph.KindFinding {
					scope := ss[i].Scope(24 * time.Hour)
					req.Scope, req.Panels = &scope, openPanels(kind)
				}
				_, err := st.Profile(ctx, req)
				return err
			}})
	}
	return out, nil
}

// SearchCases are what the search prompt takes, by kind of match: exact
// keys, prefixes as typed, short names, CIDRs and finding text.
func SearchCases(st *store.Store, samples SampleFunc) ([]Case, error) {
	var exact, prefix []string
	for _, kind := range Kinds {
		ss, err := samples(kind)
		if err != nil {
			return nil, err
		}
		for i, s := range ss {
			if i%5 == 0 {
				exact = append(exact, s.Key)
				// A prefix as typed: a third of the key or so.
				prefix = append(prefix, s.Key[:max(4, len(s.Key)/3)])
			}
		}
	}
	prefix = append(prefix, "ASIA", "AKIA", "arn:aws:iam::", "i-0", "10.", "203.0.")
	sets := []struct {
		name    string
		queries []string
	}{
		{"exact", exact},
		{"prefix", prefix},
		{"name", []string{"admin", "alice.smith", "bob.jones", "deploy", "user03", "auditor", "botocore-session-1"}},
		{"cidr", []string{"10.0.0.0/16", "10.1.0.0/24", "203.0.0.0/16", "203.0.113.0/24", "198.51.4.0/22", "198.18.0.0/15", "0.0.0.0/0"}},
		{"finding_text", []string{"ssh", "tor", "anomalous", "exfiltration", "portprobe", "kali", "C&C", "nothing-matches-this"}},
	}
	var out []Case
	for _, set := range sets {
		out = append(out, Case{Name: "search/" + set.name, Target: SearchTarget, N: len(set.queries),
			Run: func(ctx context.Context, i int) error {
				_, err := st.Search(ctx, set.queries[i])
				return err
			}})
	}
	return out, nil
}

// PageCases are the landing page: the findings list, and the summary of
// 24 hours for each of the graph's last 30 days.
func PageCases(ctx context.Context, st *store.Store) ([]Case, error) {
	now, err := st.Now(ctx)
	if err != nil {
		return nil, err
	}
	return []Case{
		{Name: "findings/list", Target: OpenTarget, N: 20, Run: func(ctx context.Context, _ int) error {
			_, err := st.Findings(ctx)
			return err
		}},
		{Name: "summary/24h", Target: OpenTarget, N: 30, Run: func(ctx context.Context, i int) error {
			_, err := st.Summary(ctx, now.Add(-time.Duration(i)*24*time.Hour))
			return err
		}},
	}, nil
}

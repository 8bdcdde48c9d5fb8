package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/benchgraph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// The profile benchmarks query the large synthetic graph of
// internal/benchgraph (built once per machine, cached under the temp
// dir) for many entities of each kind and report the distribution of one
// query's latency (p50-ms, p95-ms, max-ms; ns/op is the mean of one
// query). Each b.N iteration queries every sampled entity once, so run
// them with -benchtime 1x:
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 2h ./store/
//
// GUMSHOE_BENCH_GRAPH=small|medium|large sizes the graph (default large);
// GUMSHOE_BENCH_SAMPLES the entities per kind (default 100: the 50
// busiest and 50 at random, alternating); GUMSHOE_BENCH_BUDGET the time
// one sub-benchmark may take (default 60s) once it has 20 samples, so
// that a panel taking seconds per query ends in minutes. The table at the
// end says how many samples each line has.

// Targets: the p95 a panel, a search and a findings or summary page
// should stay within.
const (
	panelTarget  = 50 * time.Millisecond
	searchTarget = 20 * time.Millisecond
	openTarget   = 100 * time.Millisecond
)

// benchBudget is the time after which a sweep stops, once it has
// minSamples timings.
func benchBudget() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("GUMSHOE_BENCH_BUDGET")); err == nil && d > 0 {
		return d
	}
	return time.Minute
}

const minSamples = 20

func benchSamples() int {
	if n, err := strconv.Atoi(os.Getenv("GUMSHOE_BENCH_SAMPLES")); err == nil && n > 1 {
		return n
	}
	return 100
}

type benchScope struct {
	name   string
	length time.Duration
}

var benchScopes = []benchScope{{"1h", time.Hour}, {"1d", 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"365d", 365 * 24 * time.Hour}}

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

var benchKinds = []graph.Kind{graph.KindRole, graph.KindSession, graph.KindUser, graph.KindFederated,
	graph.KindAccessKey, graph.KindIP, graph.KindInstance}

// sweep runs every request once per b.N iteration, timing each, until
// the time budget is spent.
func sweep(b *testing.B, target time.Duration, n int, run func(i int) error) {
	b.Helper()
	var t benchgraph.Timings
	budget, began := benchBudget(), time.Now()
	// Warm the connection pool and the page cache a little, untimed.
	for i := 0; i < min(3, n); i++ {
		if err := run(i); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
sweeps:
	for it := 0; it < b.N; it++ {
		for i := 0; i < n; i++ {
			if t.Len() >= minSamples && time.Since(began) > budget {
				break sweeps
			}
			t0 := time.Now()
			err := run(i)
			t.Add(time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	t.Report(b, target)
}

// BenchmarkPanels: every panel of every relevant kind, at scopes of 1
// hour, 1 day, 30 days and 365 days ending with each entity's last
// active hour. The graph holds 60 days, so a 365-day scope covers all of
// it (and a 30-day scope's baseline reaches back before the data).
func BenchmarkPanels(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	ctx := context.Background()
	fmt.Println(g.Describe())
	n := benchSamples()
	for _, kind := range benchKinds {
		samples := g.Samples(b, st, kind, n)
		for _, pc := range panelCases {
			if !slices.Contains(store.PanelsOf(kind), pc.panel) {
				continue
			}
			scopes := benchScopes
			if !pc.scoped {
				scopes = benchScopes[1:2]
			}
			for _, sc := range scopes {
				reqs := make([]store.ProfileRequest, len(samples))
				for i, s := range samples {
					scope := s.Scope(sc.length)
					reqs[i] = store.ProfileRequest{Key: s.Key, Kind: s.Kind, Scope: &scope, Panels: []string{pc.panel}, Calls: pc.calls}
				}
				b.Run(fmt.Sprintf("%s/%s/%s", kind, pc.name, sc.name), func(b *testing.B) {
					sweep(b, panelTarget, len(reqs), func(i int) error {
						_, err := st.Profile(ctx, reqs[i])
						return err
					})
				})
			}
		}
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

// BenchmarkFindingProfile: opening a finding (its details, involved
// entities, related findings and coverage, at its own scope).
func BenchmarkFindingProfile(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	ctx := context.Background()
	samples := g.Samples(b, st, graph.KindFinding, benchSamples())
	b.Run("open", func(b *testing.B) {
		sweep(b, openTarget, len(samples), func(i int) error {
			_, err := st.Profile(ctx, store.ProfileRequest{Key: samples[i].Key, Kind: graph.KindFinding})
			return err
		})
	})
	b.Run("list", func(b *testing.B) {
		sweep(b, openTarget, 20, func(int) error {
			_, err := st.Findings(ctx)
			return err
		})
	})
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

// BenchmarkSearch: what the search prompt takes, by kind of match.
func BenchmarkSearch(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	ctx := context.Background()
	var exact, prefix []string
	for _, kind := range benchKinds {
		for i, s := range g.Samples(b, st, kind, benchSamples()) {
			if i%5 == 0 {
				exact = append(exact, s.Key)
				// A prefix as typed: a third of the key or so.
				prefix = append(prefix, s.Key[:max(4, len(s.Key)/3)])
			}
		}
	}
	prefix = append(prefix, "ASIA", "AKIA", "arn:aws:iam::", "i-0", "10.", "203.0.")
	cases := []struct {
		name    string
		queries []string
	}{
		{"exact", exact},
		{"prefix", prefix},
		{"name", []string{"admin", "alice.smith", "bob.jones", "deploy", "user03", "auditor", "botocore-session-1"}},
		{"cidr", []string{"10.0.0.0/16", "10.1.0.0/24", "203.0.0.0/16", "203.0.113.0/24", "198.51.4.0/22", "198.18.0.0/15", "0.0.0.0/0"}},
		{"finding_text", []string{"ssh", "tor", "anomalous", "exfiltration", "portprobe", "kali", "C&C", "nothing-matches-this"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			sweep(b, searchTarget, len(c.queries), func(i int) error {
				_, err := st.Search(ctx, c.queries[i])
				return err
			})
		})
	}
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

// BenchmarkSummary: the landing page's summary of 24 hours, for each of
// the last 30 days.
func BenchmarkSummary(b *testing.B) {
	g := benchgraph.Get(b)
	st := g.Open(b)
	ctx := context.Background()
	now, err := st.Now(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("24h", func(b *testing.B) {
		sweep(b, openTarget, 30, func(i int) error {
			_, err := st.Summary(ctx, now.Add(-time.Duration(i)*24*time.Hour))
			return err
		})
	})
	fmt.Print(benchgraph.Table(b.Name() + "/"))
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// retNow is the newest event of the retention graph: its "now".
var retNow = time.Date(2026, 10, 14, 17, 30, 0, 0, time.UTC)

// retHorizon is the first hour kept with a 30-day retention.
var retHorizon = retNow.Add(-30 * 24 * time.Hour).Truncate(time.Hour)

const retAccount = "123456789012"

func retCall(id, user string, at time.Time, ip, agent, key string) graph.APICall {
	return graph.APICall{EventID: id, Time: at, Account: retAccount, Region: "us-east-1",
		Service: "ec2.amazonaws.com", Name: "DescribeInstances", SourceIP: ip, UserAgent: agent,
		Identity: graph.Identity{Type: "IAMUser", UserName: user, AccountID: retAccount, AccessKeyID: key}}
}

func retFlow(eni, instance, local, remote string, at time.Time) graph.FlowRecord {
	return graph.FlowRecord{InterfaceID: eni, Account: retAccount, Instance: instance,
		Src: netip.MustParseAddr(remote), Dst: netip.MustParseAddr(local), SrcPort: 40000, DstPort: 443,
		Protocol: 6, TCPFlags: -1, Bytes: 100, Packets: 1, Start: at.Unix(), End: at.Unix() + 60, Action: graph.ActionAccept}
}

func retFinding(id string, updated, first, last time.Time, ip string) graph.Finding {
	return graph.Finding{ID: id, Type: "Recon:EC2/PortProbeUnprotectedPort", Severity: 5, Account: retAccount,
		CreatedAt: first, UpdatedAt: updated, FirstSeen: first, LastSeen: last, Raw: []byte(`{}`),
		Involved: []graph.Involvement{{Entity: graph.Entity{Kind: graph.KindIP, Key: ip}, Part: graph.PartRemoteIP}}}
}

// buildRetentionGraph writes a graph spanning 41 days, so that a 30-day
// retention cuts through every kind of row.
func buildRetentionGraph(t *testing.T, st *Store) *Writer {
	t.Helper()
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := retNow.Add(-40 * 24 * time.Hour)
	calls := []graph.APICall{
		retCall("alice-old", "alice", old, "192.0.2.10", "aws-cli/2", "AKIAALICE"),
		retCall("alice-now", "alice", retNow, "192.0.2.10", "aws-cli/2", "AKIAALICE"),
		retCall("bob-old", "bob", old, "198.51.100.20", "bob-agent/1", "AKIABOB"),
		// carol calls in the first hour kept, dave in the last hour dropped.
		retCall("carol-edge", "carol", retHorizon.Add(5*time.Minute), "192.0.2.10", "aws-cli/2", "AKIACAROL"),
		retCall("dave-edge", "dave", retHorizon.Add(-time.Minute), "192.0.2.10", "aws-cli/2", "AKIADAVE"),
	}
	stop := retCall("alice-stop", "alice", old, "192.0.2.10", "aws-cli/2", "AKIAALICE")
	stop.Name, stop.Service, stop.Trail = "StopLogging", "cloudtrail.amazonaws.com", "main"
	calls = append(calls, stop)
	d := NewDelta(Checkpoint{URI: "ct/1", Delivery: "org-trail", Complete: true, Records: int64(len(calls))})
	for i := range calls {
		calls[i].Pos.Index = int64(i)
		d.AddCall(&calls[i])
	}
	flows := []graph.FlowRecord{
		retFlow("eni-old", "i-0000000000000old", "172.16.0.9", "203.0.113.50", old),
		retFlow("eni-new", "i-0000000000000new", "172.16.0.7", "203.0.113.60", old),
		retFlow("eni-new", "i-0000000000000new", "172.16.0.7", "203.0.113.61", retNow),
	}
	for i := range flows {
		d.AddFlow(&flows[i])
	}
	d.AddFlow(&graph.FlowRecord{InterfaceID: "eni-new", Account: retAccount, Status: graph.StatusNoData, Start: old.Unix()})
	commit(t, w, d)
	findings := []graph.Finding{
		retFinding("old", old, old.Add(-24*time.Hour), old, "198.51.100.99"),
		// Updated since: kept with both updates, and the address only
		// the old update involved stays linked to it.
		retFinding("long", old, old.Add(-24*time.Hour), old, "198.51.100.77"),
		retFinding("long", retNow.Add(-time.Hour), retNow.Add(-2*time.Hour), retNow.Add(-time.Hour), "198.51.100.78"),
		// An older update that arrives last extends the finding's entity
		// but not its row: the finding is still active.
		retFinding("late", old, old.Add(-24*time.Hour), old, "198.51.100.66"),
		retFinding("late", old.Add(-time.Hour), old, retNow.Add(-3*time.Hour), "198.51.100.66"),
	}
	for i := range findings {
		d := NewDelta(Checkpoint{URI: fmt.Sprintf("gd/%d", i), Complete: true, Records: 1})
		d.AddFinding(&findings[i])
		commit(t, w, d)
	}
	return w
}

// retainedEntities lists the graph's entities as "kind:key".
func retainedEntities(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT kind, key FROM entity ORDER BY kind, key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k int
		var key string
		rows.Scan(&k, &key)
		out = append(out, graph.Kind(k).String()+":"+key)
	}
	return out
}

// tableCounts counts every table's rows.
func tableCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"event_seen", "api_hour", "raw_ref", "flow_hour", "flow_gap", "coverage",
		"trail_event", "ip_assignment", "edge", "finding", "finding_update", "finding_entity", "entity", "object"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// danglingRefs counts retained rows that name an entity no longer there.
func danglingRefs(t *testing.T, st *Store) map[string]int {
	t.Helper()
	refs := map[string][]string{
		"api_hour":       {"principal", "account", "source", "access_key", "user_agent"},
		"raw_ref":        {"principal"},
		"flow_hour":      {"eni", "local_ip", "remote_ip"},
		"flow_gap":       {"eni"},
		"flow_peer":      {"ip", "eni"},
		"seen_in_day":    {"entity"},
		"seen_in":        {"entity"},
		"ip_assignment":  {"ip", "instance", "eni"},
		"edge":           {"src", "dst"},
		"finding":        {"entity"},
		"finding_update": {"finding"},
		"finding_entity": {"finding", "entity"},
		"trail_event":    {"principal"},
	}
	out := map[string]int{}
	for table, cols := range refs {
		for _, c := range cols {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s != 0 AND %s NOT IN (SELECT id FROM entity)`, table, c, c)
			if err := st.DB().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				out[table+"."+c] = n
			}
		}
	}
	return out
}

func TestPruneKeepsExactlyTheRetainedGraph(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w := buildRetentionGraph(t, st)
	before := retainedEntities(t, st.DB())
	res, err := w.Prune(ctx, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Horizon.Equal(retHorizon) {
		t.Errorf("horizon = %v, want %v", res.Horizon, retHorizon)
	}
	got := retainedEntities(t, st.DB())
	gone := []string{
		"user:arn:aws:iam::123456789012:user/bob", "accesskey:AKIABOB", "useragent:bob-agent/1", "ip:198.51.100.20",
		"user:arn:aws:iam::123456789012:user/dave", "accesskey:AKIADAVE",
		"eni:eni-old", "instance:i-0000000000000old", "ip:172.16.0.9", "ip:203.0.113.50", "ip:203.0.113.60",
		"finding:old", "ip:198.51.100.99",
	}
	want := slices.DeleteFunc(slices.Clone(before), func(e string) bool { return slices.Contains(gone, e) })
	if !slices.Equal(got, want) {
		t.Errorf("entities kept:\n got %v\nwant %v", got, want)
	}
	for _, e := range gone {
		if !slices.Contains(before, e) {
			t.Errorf("%s was never in the graph: the test data is wrong", e)
		}
	}
	wantCounts := map[string]int{
		// alice now, carol at the horizon; the flows of now.
		"event_seen": 2, "api_hour": 2, "raw_ref": 2, "coverage": 3,
		"flow_hour": 1, "flow_gap": 0, "trail_event": 0,
		// 172.16.0.7 held by i-...new from the old hour to now.
		"ip_assignment": 1,
		"finding":       2, "finding_update": 4, "finding_entity": 3,
		"object": 6,
	}
	counts := tableCounts(t, st.DB())
	// flow_peer came with schema 5 (tableCounts also reads older ones).
	var peers int
	st.DB().QueryRow(`SELECT count(*) FROM flow_peer`).Scan(&peers)
	counts["flow_peer"], wantCounts["flow_peer"] = peers, 1
	for table, n := range wantCounts {
		if counts[table] != n {
			t.Errorf("%s: %d rows, want %d", table, counts[table], n)
		}
	}
	checkTriggerRollups(t, st)
	var oldEdges int
	st.DB().QueryRow(`SELECT count(*) FROM edge WHERE last_seen < ?`, retHorizon.Unix()).Scan(&oldEdges)
	if oldEdges != 0 {
		t.Errorf("%d edges last seen before the horizon remain", oldEdges)
	}
	if d := danglingRefs(t, st); len(d) > 0 {
		t.Errorf("rows refer to pruned entities: %v", d)
	}
	var first int64
	st.DB().QueryRow(`SELECT value FROM meta WHERE key = 'first_event'`).Scan(&first)
	if first != retHorizon.Unix() {
		t.Errorf("first_event = %v, want the horizon %v", utc(first), retHorizon)
	}
	if now, _ := st.Now(ctx); !now.Equal(retNow) {
		t.Errorf("now = %v, want %v", now, retNow)
	}
	again, err := w.Prune(ctx, 30*24*time.Hour)
	if err != nil || again.Transactions != 0 {
		t.Errorf("second prune: %+v, %v; want nothing to do", again, err)
	}
	// The writer's caches were dropped with the ids they held: bob comes
	// back as a new entity, not as a dangling id.
	c := retCall("bob-back", "bob", retNow, "198.51.100.20", "bob-agent/1", "AKIABOB")
	d := NewDelta(Checkpoint{URI: "ct/2", Complete: true, Records: 1})
	d.AddCall(&c)
	commit(t, w, d)
	if dl := danglingRefs(t, st); len(dl) > 0 {
		t.Errorf("after writing again: rows refer to missing entities: %v", dl)
	}
}

func TestPruneDefaultAndForever(t *testing.T) {
	st := openTemp(t)
	w := buildRetentionGraph(t, st)
	ctx := context.Background()
	for _, r := range []time.Duration{-1, 0} { // 41 days is within both
		res, err := w.Prune(ctx, r)
		if err != nil || res.Transactions != 0 {
			t.Errorf("retention %v: %+v, %v; want nothing pruned", r, res, err)
		}
	}
}

// TestInterruptedPruneFinishesLater stops a prune after a few of its
// transactions, as a kill would, and checks that the graph is valid and
// that the next prune leaves the same graph as one that ran through.
func TestInterruptedPruneFinishesLater(t *testing.T) {
	ctx := context.Background()
	straight := openTemp(t)
	if _, err := buildRetentionGraph(t, straight).Prune(ctx, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	st := openTemp(t)
	w := buildRetentionGraph(t, st)
	stopped, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	p := &pruner{w: w, batch: 1, committed: func() {
		if n++; n == 5 {
			cancel()
		}
	}}
	if _, err := p.run(stopped, 30*24*time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted prune: %v, want context.Canceled", err)
	}
	var ok string
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after an interrupted prune: %q %v", ok, err)
	}
	var first int64
	st.DB().QueryRow(`SELECT value FROM meta WHERE key = 'first_event'`).Scan(&first)
	if first >= retHorizon.Unix() {
		t.Fatal("an unfinished prune moved the data's start to the horizon: the next one would not run")
	}
	if res, err := w.Prune(ctx, 30*24*time.Hour); err != nil || res.Transactions == 0 {
		t.Fatalf("resumed prune: %+v, %v", res, err)
	}
	if got, want := graphDump(t, st.DB()), graphDump(t, straight.DB()); got != want {
		t.Errorf("after an interrupted and a resumed prune:\n%s\nwant (one prune):\n%s", got, want)
	}
}

// graphDump renders the graph by keys, not ids, so two databases built
// the same way compare equal.
func graphDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintln(&b, strings.Join(retainedEntities(t, db), " "))
	counts := tableCounts(t, db)
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&b, "%s=%d ", k, counts[k])
	}
	var meta string
	db.QueryRow(`SELECT group_concat(key || '=' || value, ' ') FROM (SELECT * FROM meta ORDER BY key)`).Scan(&meta)
	return b.String() + "\n" + meta
}

// checkTriggerRollups compares the rollups triggers keep (seen_in,
// coverage_delivery_day) with what their sources say now.
func checkTriggerRollups(t *testing.T, st *Store) {
	t.Helper()
	for name, q := range map[string]string{
		"seen_in": `SELECT entity, account, sum(n) FROM seen_in_day GROUP BY 1, 2`,
		"coverage_delivery_day": `SELECT account, delivery, region, kind, hour - hour % 86400, count(*), sum(records), min(hour), max(hour)
			FROM coverage GROUP BY 1, 2, 3, 4, 5`,
	} {
		var differ, rows int
		// Each EXCEPT in its own subquery: compound operators chain left
		// to right, so one list of them would not compare both ways.
		err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM (SELECT * FROM (`+q+`) EXCEPT SELECT * FROM `+name+`))
			+ (SELECT count(*) FROM (SELECT * FROM `+name+` EXCEPT SELECT * FROM (`+q+`))),
			(SELECT count(*) FROM `+name+`)`).Scan(&differ, &rows)
		if err != nil || differ != 0 || rows == 0 {
			t.Errorf("%s: %d of %d rows differ from their sources (%v)", name, differ, rows, err)
		}
	}
}

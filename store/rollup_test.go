package store

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// rollupWorld writes 40 days of random calls by IAM users, the role
// sessions they start, Identity Center users' permission-set sessions and
// a service role's sessions, over three accounts, in several commits (so
// rollup rows are upserted across commits), and one object twice (so a
// re-ingest must not count again).
func rollupWorld(t *testing.T) (*Store, []string) {
	t.Helper()
	st := openTemp(t)
	st.SetLocator(lateLocator{})
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	accounts := []string{"111111111111", "222222222222", "333333333333"}
	apis := []string{"DescribeInstances", "GetObject", "ListBuckets", "StopLogging", "CreateUser", "PutObject", "GetCallerIdentity"}
	services := []string{"ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com"}
	ips := []string{"192.0.2.10", "192.0.2.11", "203.0.113.5", "203.0.113.9", "198.51.100.7"}
	agents := []string{"aws-cli/2", "boto3/1.34", "console.amazonaws.com", "evil-agent/1"}
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var keys []string
	identity := func(kind, acct string, n int) (graph.Identity, string) {
		switch kind {
		case "user":
			name := fmt.Sprintf("u%d", n)
			return graph.Identity{Type: "IAMUser", UserName: name, AccountID: acct, AccessKeyID: "AKIA" + acct + name},
				graph.UserKey(acct, name)
		case "sso":
			role := "AWSReservedSSO_Admin_abc"
			name := fmt.Sprintf("person%d@example.com", n)
			return graph.Identity{Type: "AssumedRole", PrincipalID: "AROASSO" + acct + ":" + name, AccountID: acct,
				ARN: "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + name, IssuerType: "Role",
				IssuerARN: "arn:aws:iam::" + acct + ":role/" + role}, graph.SSOKey(name)
		}
		name := fmt.Sprintf("worker-%d", n)
		return graph.Identity{Type: "AssumedRole", PrincipalID: "AROAAPP" + acct + ":" + name, AccountID: acct,
			ARN: "arn:aws:sts::" + acct + ":assumed-role/app/" + name, IssuerType: "Role",
			IssuerARN: "arn:aws:iam::" + acct + ":role/app"}, graph.RoleKey(acct, "app")
	}
	seenKeys := map[string]bool{}
	event := 0
	var replay *Delta
	for day := 0; day < 40; day++ {
		d := NewDelta(Checkpoint{URI: fmt.Sprintf("day/%d", day), Delivery: "trail", Complete: true})
		for i := 0; i < 60+rng.Intn(60); i++ {
			acct := accounts[rng.Intn(len(accounts))]
			kind := []string{"user", "sso", "app"}[rng.Intn(3)]
			id, key := identity(kind, acct, rng.Intn(3))
			if !seenKeys[key] {
				seenKeys[key] = true
				keys = append(keys, key)
			}
			at := start.Add(time.Duration(day)*24*time.Hour + time.Duration(rng.Intn(24*60))*time.Minute)
			event++
			c := graph.APICall{EventID: fmt.Sprintf("e%d", event), Time: at, Account: acct, Region: "us-east-1",
				Service: services[rng.Intn(len(services))], Name: apis[rng.Intn(len(apis))],
				SourceIP: ips[rng.Intn(len(ips))], UserAgent: agents[rng.Intn(len(agents))], Identity: id}
			if day >= 24 && rng.Intn(5) == 0 {
				// Late, rare things: new for the principal, sometimes
				// for its account or the whole graph too.
				c.Name = fmt.Sprintf("Rare%d", rng.Intn(12))
				c.SourceIP = fmt.Sprintf("198.18.0.%d", 100+rng.Intn(20))
				c.UserAgent = fmt.Sprintf("tool/%d", rng.Intn(10))
			}
			if kind == "user" && rng.Intn(4) == 0 {
				// The user starts a session of the app role and calls with it.
				session := fmt.Sprintf("%s-s%d", id.UserName, event)
				c.Service, c.Name = "sts.amazonaws.com", "AssumeRole"
				c.Assume = &graph.Assumption{RoleARN: "arn:aws:iam::" + acct + ":role/app", SessionName: session,
					AssumedRoleID: "AROAAPP" + acct + ":" + session, AssumedARN: "arn:aws:sts::" + acct + ":assumed-role/app/" + session}
				d.AddCall(&c)
				event++
				s := graph.APICall{EventID: fmt.Sprintf("e%d", event), Time: at.Add(time.Duration(rng.Intn(90)) * time.Minute),
					Account: acct, Region: "us-west-2", Service: "s3.amazonaws.com", Name: apis[rng.Intn(len(apis))],
					SourceIP: ips[rng.Intn(len(ips))], UserAgent: agents[rng.Intn(len(agents))],
					Identity: graph.Identity{Type: "AssumedRole", PrincipalID: "AROAAPP" + acct + ":" + session, AccountID: acct,
						ARN: "arn:aws:sts::" + acct + ":assumed-role/app/" + session, IssuerType: "Role",
						IssuerARN: "arn:aws:iam::" + acct + ":role/app"}}
				d.AddCall(&s)
				continue
			}
			if rng.Intn(10) == 0 {
				c.ErrorCode, c.Failed = "AccessDenied", true
			}
			d.AddCall(&c)
		}
		for i := 0; i < 40; i++ {
			at := start.Add(time.Duration(day)*24*time.Hour + time.Duration(rng.Intn(24*60))*time.Minute)
			n := rng.Intn(4)
			d.AddFlow(&graph.FlowRecord{InterfaceID: fmt.Sprintf("eni-%d", n), Account: accounts[n%3], Region: "us-east-1",
				Instance: fmt.Sprintf("i-%08x", n), Src: netip.MustParseAddr(ips[rng.Intn(len(ips))]),
				Dst: netip.MustParseAddr(fmt.Sprintf("10.0.0.%d", n)), SrcPort: int32(40000 + rng.Intn(5)), DstPort: 443,
				Protocol: 6, TCPFlags: -1, Bytes: int64(100 + rng.Intn(5000)), Packets: 1, Start: at.Unix(), End: at.Unix() + 60,
				Action: graph.ActionAccept})
		}
		if _, err := w.Commit(ctx, d); err != nil {
			t.Fatal(err)
		}
		if day == 20 {
			replay = d
		}
	}
	// The same object's events again, under another name: all duplicates.
	again := NewDelta(Checkpoint{URI: "replayed", Delivery: "trail", Complete: true})
	for i := range replay.callRecords {
		again.AddCall(&replay.callRecords[i])
	}
	res, err := w.Commit(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Calls != 0 {
		t.Fatalf("replayed object added %d calls", res[0].Calls)
	}
	return st, keys
}

// lateLocator places the addresses only late calls come from apart.
type lateLocator struct{ fixedLocator }

func (l lateLocator) Locate(a netip.Addr) (graph.Place, bool) {
	if netip.MustParsePrefix("198.18.0.0/24").Contains(a) {
		return graph.Place{Label: "Late, YY", ASO: "Example Late ISP"}, true
	}
	return l.fixedLocator.Locate(a)
}

// TestRollupsMatchHourlyRows compares new behavior read with the rollups
// against the same read from hourly rows alone, for every principal of a
// random graph, at scopes that start and end inside days and on day
// boundaries, of an hour to a month.
func TestRollupsMatchHourlyRows(t *testing.T) {
	st, keys := rollupWorld(t)
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	scopes := []graph.Scope{
		graph.NewScope(start.Add(30*24*time.Hour+7*time.Hour), start.Add(30*24*time.Hour+8*time.Hour)),
		graph.NewScope(start.Add(25*24*time.Hour), start.Add(26*24*time.Hour)),
		graph.NewScope(start.Add(33*24*time.Hour+13*time.Hour), start.Add(35*24*time.Hour+2*time.Hour)),
		graph.NewScope(start.Add(39*24*time.Hour+23*time.Hour), start.Add(40*24*time.Hour)),
		graph.NewScope(start.Add(10*24*time.Hour+5*time.Hour), start.Add(40*24*time.Hour+5*time.Hour)),
	}
	compared, interesting, newForAccount := 0, 0, 0
	for _, key := range append(keys, graph.RoleKey("111111111111", "app"), graph.RoleKey("222222222222", "AWSReservedSSO_Admin_abc")) {
		e, err := st.lookupEntity(ctx, key, 0)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, sc := range scopes {
			pc := &profileContext{s: st, e: e, scope: sc}
			got, err := pc.newBehavior(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := pc.newBehaviorFrom(ctx, math.MaxInt64/2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: rollups say\n%+v\nhourly rows say\n%+v", key, sc, got, want)
			}
			// The windows themselves, places aside: every address, API
			// and agent with its count and first hour.
			cond, args := pc.callFilter()
			a1, i1, g1, err := pc.callLabels(ctx, cond, args, 0)
			if err != nil {
				t.Fatal(err)
			}
			a2, i2, g2, err := pc.callLabels(ctx, cond, args, math.MaxInt64/2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual([]windows{a1, i1, g1}, []windows{a2, i2, g2}) {
				t.Errorf("%s at %s: labels from rollups %+v, from hourly rows %+v", key, sc, []windows{a1, i1, g1}, []windows{a2, i2, g2})
			}
			if len(got.APICalls) > 0 || len(got.IncreasedCalls) > 0 {
				interesting++
			}
			for _, it := range got.APICalls {
				if it.NewForAccount {
					newForAccount++
				}
			}
			compared++
		}
	}
	if compared < 40 || interesting < 10 {
		t.Fatalf("compared %d answers, %d with new or increased calls: want many", compared, interesting)
	}
	t.Logf("compared %d answers, %d with new or increased calls, %d calls new for the account", compared, interesting, newForAccount)
}

// TestSummaryRollupsMatchHourlyRows compares the summary's rankings read
// from principal_hour and eni_hour with the same read from api_hour (an
// account filter naming every account reads the hourly rows) and with
// flow_hour's hourly sums, at windows ending on and between day bounds.
func TestSummaryRollupsMatchHourlyRows(t *testing.T) {
	st, _ := rollupWorld(t)
	ctx := context.Background()
	all := AccountFilter{Accounts: []string{"111111111111", "222222222222", "333333333333"}}
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ranked, newPlaces := 0, 0
	for _, end := range []time.Time{start.Add(24*24*time.Hour + 13*time.Hour), start.Add(39*24*time.Hour + 13*time.Hour), start.Add(33 * 24 * time.Hour), start.Add(20*24*time.Hour + 1*time.Hour)} {
		got, err := st.Summary(ctx, end)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.SummaryFor(ctx, end, all)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.TopRoles, want.TopRoles) || !reflect.DeepEqual(got.TopUsers, want.TopUsers) {
			t.Errorf("summary at %s: rollups rank\n%+v\n%+v\nhourly rows rank\n%+v\n%+v", end, got.TopRoles, got.TopUsers, want.TopRoles, want.TopUsers)
		}
		if want := bruteNewLocations(t, st, got.Window); !reflect.DeepEqual(got.NewLocations, want) {
			t.Errorf("summary at %s: new locations\n%+v\nfrom every hourly row\n%+v", end, got.NewLocations, want)
		}
		ranked += len(got.TopRoles) + len(got.TopUsers) + len(got.TopInstances)
		newPlaces += len(got.NewLocations)
	}
	if ranked < 10 || newPlaces == 0 {
		t.Fatalf("ranked %d entities, found %d new locations: want more", ranked, newPlaces)
	}
	var differ int
	err := st.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT * FROM (SELECT eni, hour, sum(bytes_in + bytes_out) FROM flow_hour GROUP BY 1, 2)
			EXCEPT SELECT eni, hour, bytes FROM eni_hour))
		+ (SELECT count(*) FROM (SELECT eni, hour, bytes FROM eni_hour
			EXCEPT SELECT * FROM (SELECT eni, hour, sum(bytes_in + bytes_out) FROM flow_hour GROUP BY 1, 2)))`).Scan(&differ)
	if err != nil || differ != 0 {
		t.Fatalf("eni_hour and flow_hour differ in %d interface-hours (%v)", differ, err)
	}
}

// TestRollupsBackfillMatchesWriter reruns the backfills of the rollup
// migrations over a graph the writer made and expects the rollups it
// wrote (and, for seen_in, its triggers).
func TestRollupsBackfillMatchesWriter(t *testing.T) {
	st, _ := rollupWorld(t)
	ctx := context.Background()
	for _, m := range []struct {
		file    string
		tables  []string
		inserts int
	}{
		{"0007_rollups.sql", []string{"principal_day", "account_day", "principal_hour", "eni_hour"}, 11},
		{"0008_coverage_rollups.sql", []string{"seen_in_day", "seen_in", "coverage_delivery_day"}, 4},
	} {
		before := map[string]string{}
		for _, table := range m.tables {
			before[table] = tableText(t, st, table)
		}
		body, err := migrationFiles.ReadFile("migrations/" + m.file)
		if err != nil {
			t.Fatal(err)
		}
		inserts := topLevelInserts(string(body))
		if len(inserts) != m.inserts {
			t.Fatalf("%s: found %d backfill statements, want %d", m.file, len(inserts), m.inserts)
		}
		for _, table := range m.tables {
			if _, err := st.wdb.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range inserts {
			if _, err := st.wdb.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, table := range m.tables {
			if after := tableText(t, st, table); after != before[table] {
				t.Errorf("%s: backfill wrote %d bytes of rows, the writer %d", table, len(after), len(before[table]))
			}
		}
	}
}

// topLevelInserts are a migration's INSERT statements outside triggers
// (which start a line; a trigger's are indented).
func topLevelInserts(sql string) []string {
	var out []string
	for _, stmt := range strings.Split(sql, ";\n") {
		if i := strings.Index(stmt, "\nINSERT "); i >= 0 {
			out = append(out, stmt[i+1:])
		} else if strings.HasPrefix(stmt, "INSERT ") {
			out = append(out, stmt)
		}
	}
	return out
}

// tableText is every row of a table, in key order.
func tableText(t *testing.T, st *Store, table string) string {
	t.Helper()
	rows, err := st.db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	if b.Len() == 0 {
		t.Fatalf("%s is empty", table)
	}
	return b.String()
}

// bruteNewLocations is Summary's new locations from every hourly row of
// the window and of its baseline.
func bruteNewLocations(t *testing.T, st *Store, window graph.Scope) []NewLocation {
	t.Helper()
	base := window.Baseline()
	known := map[string]bool{}
	rows, err := st.db.Query(`SELECT DISTINCT e.key FROM api_hour a JOIN entity e ON e.id = a.source
		WHERE e.kind = ? AND a.hour >= ? AND a.hour < ?`, int(graph.KindIP), base.Start.Unix(), base.End.Unix())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ip string
		rows.Scan(&ip)
		if p, ok := st.locate(ip); ok {
			known[p.Label] = true
		}
	}
	rows.Close()
	rows, err = st.db.Query(`SELECT src.key, p.kind, p.key, p.account, min(a.hour) FROM api_hour a
		JOIN entity src ON src.id = a.source JOIN entity p ON p.id = a.principal
		WHERE src.kind = ? AND a.hour >= ? AND a.hour < ? GROUP BY a.source, a.principal ORDER BY min(a.hour), a.source, a.principal`,
		int(graph.KindIP), window.Start.Unix(), window.End.Unix())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []NewLocation{}
	for rows.Next() {
		var l NewLocation
		var kind int
		var first int64
		if err := rows.Scan(&l.IP, &kind, &l.Principal.Key, &l.Principal.Account, &first); err != nil {
			t.Fatal(err)
		}
		p, ok := st.locate(l.IP)
		if !ok || p.Label == "" || known[p.Label] {
			continue
		}
		l.Principal.Kind, l.Place, l.FirstSeen = graph.Kind(kind).String(), p.Label, utc(first)
		out = append(out, l)
	}
	return out
}

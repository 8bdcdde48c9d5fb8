package ingest_test

import (
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
)

// demoDB opens the demo graph, built once per test binary.
func demoDB(t *testing.T) (*sql.DB, ingest.Summary) {
	_, sum := demotest.Build(t)
	return demotest.Open(t).DB(), sum
}

func TestMain(m *testing.M) {
	code := m.Run()
	demotest.Cleanup()
	os.Exit(code)
}

// edgeExists asks whether from -rel-> to is in the graph.
func edgeExists(t *testing.T, db *sql.DB, from graph.Entity, rel graph.Relation, to graph.Entity) bool {
	t.Helper()
	var n int
	err := db.QueryRow(`SELECT count(*) FROM edge e
		JOIN entity s ON s.id = e.src JOIN entity d ON d.id = e.dst
		WHERE s.kind = ? AND s.key = ? AND e.rel = ? AND d.kind = ? AND d.key = ?`,
		int(from.Kind), from.Key, int(rel), int(to.Kind), to.Key).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestDemoIngestsCleanly(t *testing.T) {
	_, sum := demoDB(t)
	if sum.Total.Bad != 0 {
		t.Errorf("demo has %d bad records: %+v", sum.Total.Bad, sum.Total.Problems)
	}
	if sum.Total.Ingested.CloudTrailEvents == 0 || sum.Total.Ingested.FlowRecords == 0 || sum.Total.Ingested.Findings == 0 {
		t.Errorf("demo ingested %+v", sum.Total.Ingested)
	}
	// demo-trail-2 delivers copies of the organisation trail's events.
	if sum.Total.Skipped == 0 {
		t.Error("no duplicate events skipped: the two trails' copies were counted twice")
	}
}

func TestDemoSaraSessionStartedBySSOUserAndChains(t *testing.T) {
	db, _ := demoDB(t)
	admin := graph.Entity{Kind: graph.KindSession, Key: demo.SaraAdminSession}
	chained := graph.Entity{Kind: graph.KindSession, Key: demo.SaraDemoSession}
	if !edgeExists(t, db, admin, graph.RelStartedBy, graph.Entity{Kind: graph.KindFederated, Key: graph.SSOKey(demo.SaraUser)}) {
		t.Error("sara's admin session is not started by sso:sara")
	}
	if !edgeExists(t, db, admin, graph.RelChained, chained) {
		t.Error("sara's admin session does not chain into her DemoRole1 session")
	}
	if !edgeExists(t, db, chained, graph.RelAssumed, graph.Entity{Kind: graph.KindRole, Key: demo.DemoRoleARN}) {
		t.Error("the chained session is not a DemoRole1 session")
	}
	adminRole := graph.Entity{Kind: graph.KindRole, Key: graph.RoleKey(demo.MemberAccount, demo.AdminRoleName)}
	if !edgeExists(t, db, admin, graph.RelAssumed, adminRole) {
		t.Error("the admin session's role lost its identity (path not folded)")
	}
}

func TestDemoOtherStartersOfDemoRole1(t *testing.T) {
	db, _ := demoDB(t)
	session := func(k string) graph.Entity { return graph.Entity{Kind: graph.KindSession, Key: k} }
	checks := []struct {
		name    string
		session string
		rel     graph.Relation
		starter graph.Entity
	}{
		{"IAM user", demo.AliceDemoSession, graph.RelStartedBy, graph.Entity{Kind: graph.KindUser, Key: demo.AliceARN}},
		{"instance profile", demo.AppDemoSession, graph.RelStartedBy, graph.Entity{Kind: graph.KindInstance, Key: demo.AppInstance}},
		{"cross-account, both copies", demo.DeployDemoSession, graph.RelStartedBy, session(demo.DeployerSession)},
		{"cross-account, role side only", demo.AuditDemoSession, graph.RelCrossAcct, graph.Entity{Kind: graph.KindAccount, Key: demo.UnloggedAccount}},
	}
	for _, c := range checks {
		if !edgeExists(t, db, session(c.session), c.rel, c.starter) {
			t.Errorf("%s: %s -%s-> %s missing", c.name, c.session, c.rel, c.starter)
		}
	}
}

func TestDemoInstanceHeldAddressDuringFinding(t *testing.T) {
	db, _ := demoDB(t)
	var first, last int64
	err := db.QueryRow(`SELECT min(a.first_hour), max(a.last_hour) FROM ip_assignment a
		JOIN entity ip ON ip.id = a.ip JOIN entity i ON i.id = a.instance
		WHERE ip.key = ? AND i.key = ?`, demo.InstanceIP, demo.Instance).Scan(&first, &last)
	if err != nil {
		t.Fatalf("no assignment of %s to %s: %v", demo.InstanceIP, demo.Instance, err)
	}
	var fFirst, fLast int64
	if err := db.QueryRow(`SELECT first_seen, last_seen FROM finding WHERE id = ?`, demo.TorFindingID).Scan(&fFirst, &fLast); err != nil {
		t.Fatal(err)
	}
	if first > fFirst || last+3599 < fLast {
		t.Errorf("assignment %s..%s does not cover the finding's %s..%s",
			time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC(), time.Unix(fFirst, 0).UTC(), time.Unix(fLast, 0).UTC())
	}
}

// involved lists a finding's entities as "kind:key part".
func involved(t *testing.T, db *sql.DB, id string) map[string]bool {
	rows, err := db.Query(`SELECT e.kind, e.key, fe.part FROM finding f
		JOIN finding_entity fe ON fe.finding = f.entity JOIN entity e ON e.id = fe.entity WHERE f.id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var kind int
		var key, part string
		rows.Scan(&kind, &key, &part)
		out[graph.Kind(kind).String()+":"+key+" "+part] = true
	}
	return out
}

func TestDemoFindingsInvolvedEntities(t *testing.T) {
	db, _ := demoDB(t)
	tor := involved(t, db, demo.TorFindingID)
	want := []string{"instance:" + demo.Instance + " resource", "ip:" + demo.InstanceIP + " local_ip",
		"eni:" + demo.InstanceENI + " network_interface"}
	for _, ip := range demo.TorRemoteIPs {
		want = append(want, "ip:"+ip+" remote_ip")
	}
	for _, w := range want {
		if !tor[w] {
			t.Errorf("TorClient finding lacks %q; has %v", w, tor)
		}
	}
	trail := involved(t, db, demo.TrailFindingID)
	for _, w := range []string{"session:" + demo.SaraAdminSession + " actor", "accesskey:" + demo.IncidentAdminKey + " access_key",
		"ip:" + demo.SaraIncidentIP + " remote_ip"} {
		if !trail[w] {
			t.Errorf("CloudTrailLoggingDisabled finding lacks %q; has %v", w, trail)
		}
	}
}

func TestDemoCoverageSeesBothTrailsAndTheStop(t *testing.T) {
	db, _ := demoDB(t)
	var deliveries int
	db.QueryRow(`SELECT count(DISTINCT delivery) FROM coverage WHERE kind = 'cloudtrail' AND account = ?`, demo.MemberAccount).Scan(&deliveries)
	if deliveries != 2 {
		t.Errorf("member account has %d CloudTrail deliveries, want the organisation and the account trail", deliveries)
	}
	var trail string
	if err := db.QueryRow(`SELECT trail FROM trail_event WHERE api = 'StopLogging'`).Scan(&trail); err != nil {
		t.Fatal(err)
	}
	if trail != demo.AccountTrailARN && trail != demo.AccountTrailName {
		t.Errorf("StopLogging named %q", trail)
	}
}

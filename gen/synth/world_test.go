package synth_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

var worldOpts = synth.Options{Seed: 3, Accounts: 3, Days: 4, Events: 8000, Flows: 30000, Findings: 12,
	EventsPerObject: 1000, FlowsPerObject: 5000}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(zr)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWorldIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	wa, err := synth.Write(a, worldOpts)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := synth.Write(b, worldOpts)
	if err != nil {
		t.Fatal(err)
	}
	if wa != wb {
		t.Fatalf("written differs: %+v vs %+v", wa, wb)
	}
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != wa.Objects || len(ta) != len(tb) {
		t.Fatalf("%d and %d objects, %d written", len(ta), len(tb), wa.Objects)
	}
	for k, v := range ta {
		if tb[k] != v {
			t.Errorf("%s differs between runs", k)
		}
	}
	// Sessions come from AssumeRole by users, sessions (chains), other
	// accounts and EC2, and from Identity Center's AssumeRoleWithSAML.
	all := ""
	for k, v := range ta {
		if strings.HasPrefix(k, "trail/") {
			all += v
		}
	}
	for _, want := range []string{`"eventName":"AssumeRoleWithSAML"`, `"type":"AWSAccount"`, `"invokedBy":"ec2.amazonaws.com"`,
		`"eventName":"RunInstances"`, `"sharedEventID"`, `"assumedRoleUser"`, `"ec2RoleDelivery"`} {
		if !strings.Contains(all, want) {
			t.Errorf("no event has %s", want)
		}
	}
}

// TestWorldGraph ingests a small world and checks that profiles have
// what they show: sessions with starters, chains, cross-account
// assumptions, instances with interfaces and addresses, findings.
func TestWorldGraph(t *testing.T) {
	dir := t.TempDir()
	w, err := synth.Write(filepath.Join(dir, "logs"), worldOpts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := ingest.NewDirSource(filepath.Join(dir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total.Bad != 0 || sum.Total.Ingested.CloudTrailEvents != int64(w.Events) ||
		sum.Total.Ingested.FlowRecords != int64(w.Flows) || sum.Total.Ingested.Findings != int64(w.Findings) {
		t.Fatalf("ingested %+v, bad %d; written %+v", sum.Total.Ingested, sum.Total.Bad, w)
	}
	count := func(q string) int {
		var n int
		if err := st.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	checks := []struct {
		what string
		q    string
		min  int
	}{
		{"sessions started by IAM users", `SELECT count(*) FROM edge x JOIN entity s ON s.id = x.dst WHERE x.rel = 5 AND s.kind = 2`, 10},
		{"sessions started by Identity Center users", `SELECT count(*) FROM edge x JOIN entity s ON s.id = x.dst WHERE x.rel = 5 AND s.kind = 5 AND s.key LIKE 'sso:%'`, 3},
		{"sessions started by instances", `SELECT count(*) FROM edge x JOIN entity s ON s.id = x.dst WHERE x.rel = 5 AND s.kind = 7`, 3},
		{"cross-account sessions joined to their starter", `SELECT count(*) FROM edge x JOIN entity s ON s.id = x.src
			JOIN entity u ON u.id = x.dst WHERE x.rel = 5 AND u.kind = 2 AND u.account != s.account`, 1},
		{"role chains", `SELECT count(*) FROM edge WHERE rel = 6`, 1},
		{"cross-account starters not in the graph", `SELECT count(*) FROM edge WHERE rel = 13`, 1},
		{"instances with interfaces", `SELECT count(*) FROM edge WHERE rel = 10`, 100},
		{"addresses with two holders", `SELECT count(*) FROM (SELECT ip FROM ip_assignment GROUP BY ip HAVING count(DISTINCT instance) > 1)`, 10},
		{"findings with involved entities", `SELECT count(DISTINCT finding) FROM finding_entity`, 12},
	}
	for _, c := range checks {
		if n := count(c.q); n < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, n, c.min)
		}
	}
}

// TestManyAccountsGetValidAddresses: an organisation of more accounts than
// one octet numbers (the year preset has 1,500) still writes flow logs
// whose every address parses, with no two account pairs sharing a range.
func TestManyAccountsGetValidAddresses(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Options{Seed: 1, Accounts: 1100, Days: 1, Events: 3000, Flows: 40000,
		EventsPerObject: 1000, FlowsPerObject: 5000}); err != nil {
		t.Fatal(err)
	}
	ranges := map[string]string{} // 10.a.b prefix -> account pair
	for rel, text := range readTree(t, filepath.Join(dir, "flows")) {
		for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
			f := strings.Fields(line)
			if i == 0 || len(f) < 5 {
				continue // the header
			}
			for _, addr := range f[3:5] {
				ip, err := netip.ParseAddr(addr)
				if err != nil {
					t.Fatalf("%s:%d: %v", rel, i+1, err)
				}
				if !ip.IsPrivate() {
					continue
				}
				prefix := addr[:strings.LastIndexByte(addr, '.')]
				acct, _ := strconv.Atoi(f[1])
				pair := strconv.Itoa((acct - 100000000000) / 1111 / 2)
				if was, ok := ranges[prefix]; ok && was != pair {
					t.Fatalf("%s: account pairs %s and %s share %s", rel, was, pair, prefix)
				}
				ranges[prefix] = pair
			}
		}
	}
	if len(ranges) < 500 {
		t.Errorf("%d private ranges for 550 account pairs", len(ranges))
	}
}

package store

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var hour0 = time.Date(2026, 10, 14, 17, 0, 0, 0, time.UTC)

func call(id string, minute int, name string, failed bool) graph.APICall {
	c := graph.APICall{EventID: id, Time: hour0.Add(time.Duration(minute) * time.Minute),
		Account: "123456789012", Region: "us-east-1", Service: "ec2.amazonaws.com", Name: name,
		SourceIP: "192.0.2.10", UserAgent: "aws-cli/2", Identity: graph.Identity{Type: "IAMUser",
			UserName: "alice", AccountID: "123456789012", AccessKeyID: "AKIAEXAMPLE"}}
	if failed {
		c.ErrorCode, c.Failed = "AccessDenied", true
	}
	return c
}

func commit(t *testing.T, w *Writer, d *Delta) CommitResult {
	t.Helper()
	res, err := w.Commit(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

func TestDuplicateEventsCountOnce(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	org := NewDelta(Checkpoint{URI: "org/1", Delivery: "org-trail", Complete: true, Records: 3})
	acct := NewDelta(Checkpoint{URI: "acct/1", Delivery: "account-trail", Complete: true, Records: 2})
	for i, c := range []graph.APICall{call("a", 1, "DescribeInstances", false), call("b", 2, "DescribeInstances", false), call("c", 3, "RunInstances", true)} {
		c.Pos.Index = int64(i)
		org.AddCall(&c)
		if i < 2 {
			acct.AddCall(&c)
		}
	}
	if res := commit(t, w, org); res.Calls != 3 || res.Duplicates != 0 {
		t.Fatalf("org: %+v", res)
	}
	if res := commit(t, w, acct); res.Calls != 0 || res.Duplicates != 2 {
		t.Fatalf("account copy: %+v", res)
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Events != 3 || stats.Calls != 3 || stats.Failed != 1 {
		t.Errorf("stats = %+v", stats)
	}
	var deliveries int
	st.DB().QueryRow(`SELECT count(DISTINCT delivery) FROM coverage`).Scan(&deliveries)
	if deliveries != 2 {
		t.Errorf("coverage lists %d deliveries, want both trails", deliveries)
	}
	var success, failure int
	st.DB().QueryRow(`SELECT sum(success), sum(failure) FROM api_hour a JOIN str s ON s.id = a.api WHERE s.s = 'DescribeInstances'`).Scan(&success, &failure)
	if success != 2 || failure != 0 {
		t.Errorf("DescribeInstances = %d ok / %d failed", success, failure)
	}
}

func TestCheckpointAndRawReferences(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, _ := st.NewWriter(ctx)
	for chunk := 0; chunk < 2; chunk++ {
		d := NewDelta(Checkpoint{URI: "file:///x", Format: "cloudtrail", Size: 10, ModTime: 5,
			Fingerprint: []byte{1}, Records: int64(2 * (chunk + 1)), Complete: chunk == 1})
		for i := 0; i < 2; i++ {
			c := call(string(rune('a'+2*chunk+i)), 2*chunk+i, "GetObject", false)
			c.Pos.Index = int64(2*chunk + i)
			d.AddCall(&c)
		}
		d.Bad = []BadRecord{{Line: int64(chunk + 7), Reason: "broken"}}
		commit(t, w, d)
	}
	cp, ok, err := st.ObjectCheckpoint(ctx, "file:///x")
	if err != nil || !ok || cp.Records != 4 || !cp.Complete || cp.Size != 10 {
		t.Fatalf("checkpoint = %+v %v %v", cp, ok, err)
	}
	var idx []byte
	if err := st.DB().QueryRow(`SELECT idx FROM raw_ref`).Scan(&idx); err != nil {
		t.Fatal(err)
	}
	if got := DecodeIndexes(idx); len(got) != 4 || got[0] != 0 || got[3] != 3 {
		t.Errorf("raw indexes = %v, want [0 1 2 3] across both chunks", got)
	}
	problems, _ := st.Problems(ctx, 10)
	if len(problems) != 2 || problems[0].Object != "file:///x" {
		t.Errorf("problems = %+v", problems)
	}
}

func TestFindingUpdatesUnionInvolvedEntities(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, _ := st.NewWriter(ctx)
	for i, ip := range []string{"198.51.100.201", "198.51.100.202", "198.51.100.202"} {
		f := graph.Finding{ID: "tor", Type: "UnauthorizedAccess:EC2/TorClient", Severity: 8,
			Account: "123456789012", CreatedAt: hour0, UpdatedAt: hour0.Add(time.Duration(i) * time.Hour),
			Raw: []byte(`{}`), Involved: []graph.Involvement{{Entity: graph.Entity{Kind: graph.KindIP, Key: ip}, Part: graph.PartRemoteIP}}}
		d := NewDelta(Checkpoint{URI: "gd"})
		d.AddFinding(&f)
		commit(t, w, d)
	}
	var remotes, updates int
	st.DB().QueryRow(`SELECT count(*) FROM finding_entity WHERE part = 'remote_ip'`).Scan(&remotes)
	st.DB().QueryRow(`SELECT count(*) FROM finding_update`).Scan(&updates)
	if remotes != 2 || updates != 3 {
		t.Errorf("remote IPs = %d (want 2), updates = %d (want 3)", remotes, updates)
	}
	fs, _ := st.Findings(ctx)
	if len(fs) != 1 || !fs[0].UpdatedAt.Equal(hour0.Add(2*time.Hour)) || fs[0].Updates != 3 {
		t.Errorf("findings = %+v", fs)
	}
}

func TestFlowsFoldPerInterface(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, _ := st.NewWriter(ctx)
	local, remote := netip.MustParseAddr("172.16.0.7"), netip.MustParseAddr("203.0.113.5")
	d := NewDelta(Checkpoint{URI: "flows"})
	start := hour0.Unix() + 60
	for i := 0; i < 10; i++ {
		d.AddFlow(&graph.FlowRecord{InterfaceID: "eni-1", Account: "123456789012", Instance: "i-9999999999999999",
			Src: remote, Dst: local, SrcPort: int32(40000 + i), DstPort: 443, Protocol: 6, TCPFlags: -1,
			Bytes: 100, Packets: 1, Start: start, End: start + 60, Action: graph.ActionAccept})
		d.AddFlow(&graph.FlowRecord{InterfaceID: "eni-1", Account: "123456789012", Instance: "i-9999999999999999",
			Src: local, Dst: remote, SrcPort: 443, DstPort: int32(40000 + i), Protocol: 6, TCPFlags: -1,
			Bytes: 1000, Packets: 2, Start: start, End: start + 60, Action: graph.ActionAccept})
	}
	d.AddFlow(&graph.FlowRecord{InterfaceID: "eni-1", Status: graph.StatusNoData, Start: start})
	res := commit(t, w, d)
	if res.Flows != 21 || res.FlowGaps != 1 {
		t.Errorf("result = %+v", res)
	}
	var rows, in, out, recs int64
	var lport, rport int
	st.DB().QueryRow(`SELECT count(*), sum(bytes_in), sum(bytes_out), sum(records), max(local_port), max(remote_port) FROM flow_hour`).
		Scan(&rows, &in, &out, &recs, &lport, &rport)
	if rows != 1 || in != 1000 || out != 10000 || recs != 20 || lport != 443 || rport != int(graph.AnyPort) {
		t.Errorf("rows=%d in=%d out=%d records=%d ports=%d/%d", rows, in, out, recs, lport, rport)
	}
	var holder string
	st.DB().QueryRow(`SELECT e.key FROM ip_assignment a JOIN entity e ON e.id = a.instance
		JOIN entity ip ON ip.id = a.ip WHERE ip.key = '172.16.0.7'`).Scan(&holder)
	if holder != "i-9999999999999999" {
		t.Errorf("172.16.0.7 held by %q", holder)
	}
}

func TestSecondWriterRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	ctx := context.Background()
	first, err := Open(ctx, path, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := Open(ctx, path, Options{Write: true}); !errors.Is(err, ErrWriterBusy) {
		t.Fatalf("second writer: %v, want ErrWriterBusy", err)
	}
	reader, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reader beside a writer: %v", err)
	}
	reader.Close()
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	ctx := context.Background()
	st, err := Open(ctx, path, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	st.wdb.Exec("PRAGMA user_version = 999")
	st.Close()
	if _, err := Open(ctx, path, Options{Write: true}); err == nil {
		t.Fatal("opened a database from a newer gumshoe")
	}
}

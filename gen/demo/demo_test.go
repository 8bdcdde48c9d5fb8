package demo

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tree is written once for the whole package; tests only read it.
var (
	fixtureDir string
	fixtureSum Summary
	fixtureDur time.Duration
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gumshoe-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	fixtureSum, err = Write(dir)
	fixtureDur = time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// files returns every file below dir, relative and slash-separated.
func files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	return out, err
}

// gunzip reads a file of the fixture, decompressed, and checks that its
// gzip header carries nothing that varies between runs.
func gunzip(rel string) ([]byte, error) {
	f, err := os.Open(filepath.Join(fixtureDir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		return nil, fmt.Errorf("%s: gzip header carries a name %q or time %v", rel, zr.Name, zr.ModTime)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	return b, nil
}

type ctRecord struct {
	EventID      string `json:"eventID"`
	EventTime    string `json:"eventTime"`
	EventName    string `json:"eventName"`
	ErrorCode    string `json:"errorCode"`
	SourceIP     string `json:"sourceIPAddress"`
	Recipient    string `json:"recipientAccountId"`
	UserIdentity struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		AccessKeyID string `json:"accessKeyId"`
	} `json:"userIdentity"`
	raw  string
	time time.Time
}

// flowRow is one parsed record of the web server's flow log.
type flowRow struct {
	src, dst     string
	sport, dport int
	bytes        int64
	start        time.Time
	status       string
}

// update is one line of the GuardDuty export.
type update struct {
	ID        string
	Type      string
	UpdatedAt string
	Resource  struct {
		AccessKeyDetails struct{ AccessKeyID string }
	}
	Service struct {
		EventFirstSeen, EventLastSeen string
		Action                        struct {
			NetworkConnectionAction struct {
				RemoteIPDetails struct{ IPAddressV4 string }
			}
		}
	}
	raw string
}

// tree is the fixture, every file read with encoding/json or as flow log
// text. Reading fails on the first file that does not parse.
type tree struct {
	files        []string
	org, account []ctRecord // org-trail's and demo-trail-2's records
	digests      int
	web          []flowRow
	updates      []update
}

var readTree = sync.OnceValues(func() (*tree, error) {
	all, err := files(fixtureDir)
	if err != nil {
		return nil, err
	}
	tr := &tree{files: all}
	for _, rel := range all {
		body, err := gunzip(rel)
		if err != nil {
			return nil, err
		}
		switch {
		case strings.HasSuffix(rel, ".jsonl.gz"):
			for l := range strings.Lines(string(body)) {
				u := update{raw: l}
				if err := json.Unmarshal([]byte(l), &u); err != nil || u.ID == "" || u.UpdatedAt == "" {
					return nil, fmt.Errorf("%s: finding %d: %v", rel, len(tr.updates), err)
				}
				tr.updates = append(tr.updates, u)
			}
		case strings.Contains(rel, "/CloudTrail-Digest/"):
			var d map[string]json.RawMessage
			if err := json.Unmarshal(body, &d); err != nil || d["logFiles"] == nil {
				return nil, fmt.Errorf("%s: digest: %v", rel, err)
			}
			tr.digests++
		case strings.HasSuffix(rel, ".json.gz"):
			recs, err := parseTrailObject(body)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rel, err)
			}
			if strings.HasPrefix(rel, orgPrefix) {
				tr.org = append(tr.org, recs...)
			} else {
				tr.account = append(tr.account, recs...)
			}
		case strings.Contains(rel, "_"+FlowLogID+"_"):
			rows, err := parseFlowObject(body)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rel, err)
			}
			tr.web = append(tr.web, rows...)
		}
	}
	return tr, nil
})

func load(t *testing.T) *tree {
	t.Helper()
	tr, err := readTree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func parseTrailObject(body []byte) ([]ctRecord, error) {
	var obj struct{ Records []json.RawMessage }
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	if len(obj.Records) == 0 {
		return nil, fmt.Errorf("no Records")
	}
	out := make([]ctRecord, 0, len(obj.Records))
	for _, raw := range obj.Records {
		r := ctRecord{raw: string(raw)}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		var err error
		if r.time, err = time.Parse(time.RFC3339, r.EventTime); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func parseFlowObject(body []byte) ([]flowRow, error) {
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if header := strings.Join(flowFieldsV5, " "); lines[0] != header {
		return nil, fmt.Errorf("header %q", lines[0])
	}
	var out []flowRow
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != len(flowFieldsV5) {
			return nil, fmt.Errorf("line %d: %d fields", i+2, len(f))
		}
		start, err := strconv.ParseInt(f[10], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+2, err)
		}
		r := flowRow{src: f[3], dst: f[4], start: time.Unix(start, 0).UTC(), status: f[13]}
		if r.status == "OK" {
			r.sport, _ = strconv.Atoi(f[5])
			r.dport, _ = strconv.Atoi(f[6])
			r.bytes, _ = strconv.ParseInt(f[9], 10, 64)
		}
		out = append(out, r)
	}
	return out, nil
}

// memberEvents returns org-trail's records of the member account.
func memberEvents(tr *tree) []ctRecord {
	var out []ctRecord
	for _, r := range tr.org {
		if r.Recipient == MemberAccount {
			out = append(out, r)
		}
	}
	return out
}

const (
	orgPrefix     = OrgTrailBucket + "/AWSLogs/" + OrgID + "/"
	accountPrefix = AccountTrailBucket + "/AWSLogs/" + MemberAccount + "/CloudTrail/"
)

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	sum, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if sum != fixtureSum {
		t.Errorf("second summary %+v, first %+v", sum, fixtureSum)
	}
	a := load(t).files
	b, err := files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Fatalf("file lists differ: %d and %d files", len(a), len(b))
	}
	for _, rel := range a {
		x, err := os.ReadFile(filepath.Join(fixtureDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("%s differs between runs", rel)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Logf("wrote %+v in %v", fixtureSum, fixtureDur)
	all := load(t).files
	var size int64
	for _, rel := range all {
		fi, err := os.Stat(filepath.Join(fixtureDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		size += fi.Size()
	}
	if len(all) != fixtureSum.Files || size != fixtureSum.Bytes {
		t.Errorf("on disk %d files, %d bytes; summary says %d, %d", len(all), size, fixtureSum.Files, fixtureSum.Bytes)
	}
	if len(all) > 10_000 || size > 20<<20 {
		t.Errorf("%d files, %d bytes: over the 10,000 files or 20 MiB the demo may take", len(all), size)
	}
	if fixtureSum.Start != HistoryStart || fixtureSum.End != HistoryEnd {
		t.Errorf("span %v to %v", fixtureSum.Start, fixtureSum.End)
	}
}

// TestJSONParses relies on load, which reads every .json.gz and .jsonl.gz
// with encoding/json, and checks the Summary's counts against the files.
func TestJSONParses(t *testing.T) {
	tr := load(t)
	if tr.digests != 2 {
		t.Errorf("%d digest files, want 2", tr.digests)
	}
	ids := map[string]bool{}
	for _, r := range slices.Concat(tr.org, tr.account) {
		ids[r.EventID] = true
	}
	if n := len(tr.org) + len(tr.account); n != fixtureSum.CloudTrailRecords || len(ids) != fixtureSum.CloudTrailEvents {
		t.Errorf("%d records, %d events; summary says %d, %d", n, len(ids), fixtureSum.CloudTrailRecords, fixtureSum.CloudTrailEvents)
	}
	findingIDs := map[string]bool{}
	for _, u := range tr.updates {
		findingIDs[u.ID] = true
	}
	if len(tr.updates) != fixtureSum.FindingUpdates || len(findingIDs) != fixtureSum.Findings {
		t.Errorf("%d updates of %d findings; summary says %d of %d", len(tr.updates), len(findingIDs), fixtureSum.FindingUpdates, fixtureSum.Findings)
	}
}

// TestTrailCopies checks that both trails deliver the member account's
// events byte for byte alike until StopLogging, and only the organisation
// trail after it.
func TestTrailCopies(t *testing.T) {
	tr := load(t)
	org := map[string]string{}
	for _, r := range tr.org {
		if org[r.EventID] != "" {
			t.Fatalf("event %s delivered twice by org-trail", r.EventID)
		}
		org[r.EventID] = r.raw
	}
	var last time.Time
	for _, r := range tr.account {
		if r.time.After(StopLoggingTime) {
			t.Errorf("demo-trail-2 delivered %s %s at %s, after StopLogging", r.EventName, r.EventID, r.EventTime)
		}
		if r.Recipient != MemberAccount {
			t.Errorf("demo-trail-2 delivered an event of %s", r.Recipient)
		}
		if org[r.EventID] != r.raw {
			t.Errorf("event %s differs between the trails or is missing from org-trail", r.EventID)
		}
		if r.time.After(last) {
			last = r.time
		}
	}
	if !last.Equal(StopLoggingTime) {
		t.Errorf("demo-trail-2's last event at %v, want StopLogging at %v", last, StopLoggingTime)
	}
	for _, id := range []string{StopLoggingEventID, IncidentAssumeEventID, IncidentRunInstancesID} {
		if org[id] == "" {
			t.Errorf("org-trail lacks %s", id)
		}
	}
	after := 0
	for _, r := range memberEvents(tr) {
		if r.time.After(StopLoggingTime) {
			after++
		}
	}
	if after < 100 {
		t.Errorf("org-trail has %d member-account events after StopLogging, want the rest of the history", after)
	}
}

// TestCrossAccount checks both copies of bob's cross-account AssumeRole
// and the copy without a caller side.
func TestCrossAccount(t *testing.T) {
	tr := load(t)
	type pair struct{ caller, role int }
	bySharedID := map[string]*pair{}
	unlogged := 0
	for _, r := range tr.org {
		if r.EventName != "AssumeRole" {
			continue
		}
		var shared struct{ SharedEventID string }
		if err := json.Unmarshal([]byte(r.raw), &shared); err != nil {
			t.Fatal(err)
		}
		p := bySharedID[shared.SharedEventID]
		if p == nil {
			p = &pair{}
			bySharedID[shared.SharedEventID] = p
		}
		switch {
		case r.Recipient == OtherAccount && r.UserIdentity.PrincipalID == DeployerSession:
			p.caller++
		case r.UserIdentity.Type == "AWSAccount" && r.UserIdentity.PrincipalID == DeployerSession:
			p.role++
		case r.UserIdentity.Type == "AWSAccount" && strings.HasPrefix(r.UserIdentity.PrincipalID, UnloggedCallerRoleID+":"):
			unlogged++
		}
	}
	pairs := 0
	for id, p := range bySharedID {
		if p.caller+p.role > 0 && (p.caller != 1 || p.role != 1 || id == "") {
			t.Errorf("sharedEventID %q joins %d caller and %d role copies", id, p.caller, p.role)
		}
		if p.caller == 1 && p.role == 1 {
			pairs++
		}
	}
	if pairs == 0 || unlogged == 0 {
		t.Errorf("%d joined cross-account pairs, %d from %s", pairs, unlogged, UnloggedAccount)
	}
}

func TestIncidentHour(t *testing.T) {
	var admin, demo []string
	for _, r := range memberEvents(load(t)) {
		if r.time.Before(IncidentHour) || !r.time.Before(IncidentHour.Add(time.Hour)) {
			continue
		}
		call := r.EventName
		if r.ErrorCode != "" {
			call += ":" + r.ErrorCode
		}
		switch r.UserIdentity.PrincipalID {
		case SaraAdminSession:
			admin = append(admin, call)
			if r.UserIdentity.AccessKeyID != IncidentAdminKey || r.SourceIP != SaraIncidentIP {
				t.Errorf("%s with key %s from %s", call, r.UserIdentity.AccessKeyID, r.SourceIP)
			}
		case SaraDemoSession:
			demo = append(demo, call)
		}
	}
	if got := strings.Join(admin, ","); got != "StopLogging,AssumeRole" {
		t.Errorf("admin session calls in the incident hour: %s", got)
	}
	want := "DescribeInstances,DescribeInstances,DescribeInstances,RunInstances," +
		"AttachRolePolicy:AccessDenied,AttachRolePolicy:AccessDenied,AttachRolePolicy,DescribeInstances"
	if got := strings.Join(demo, ","); got != want {
		t.Errorf("DemoRole1 session calls in the incident hour:\n got %s\nwant %s", got, want)
	}
}

// TestVPCWindow checks the walkthrough's numbers: the 218 MB port-22 row
// is exact and the top outbound row of the window, and the inbound spikes
// are what SpikeBytes says.
func TestVPCWindow(t *testing.T) {
	type row struct {
		remote string
		port   int
	}
	outbound, inbound := map[row]int64{}, map[row]int64{}
	var skip int
	for _, f := range load(t).web {
		if f.status == "SKIPDATA" {
			skip++
		}
		if f.status != "OK" || f.start.Before(VPCWindowStart) || !f.start.Before(VPCWindowEnd) {
			continue
		}
		switch InstanceIP {
		case f.src:
			outbound[row{f.dst, f.dport}] += f.bytes
		case f.dst:
			inbound[row{f.src, f.dport}] += f.bytes
		}
	}
	if skip != 2 {
		t.Errorf("%d SKIPDATA rows, want 2", skip)
	}
	big := row{Port22BigPeer, 22}
	if outbound[big] != Port22BigBytes {
		t.Errorf("%s:22 outbound %d bytes, want %d", Port22BigPeer, outbound[big], Port22BigBytes)
	}
	for r, n := range outbound {
		if r != big && n >= Port22BigBytes {
			t.Errorf("outbound row %v has %d bytes, not below the port-22 row", r, n)
		}
	}
	for i, ip := range Port22Peers {
		if got := outbound[row{ip, 22}]; got != Port22PeerBytes[i] {
			t.Errorf("%s:22 outbound %d, want %d", ip, got, Port22PeerBytes[i])
		}
	}
	for i, ip := range SpikeIPs {
		if got := inbound[row{ip, 443}]; got != SpikeBytes[i] {
			t.Errorf("spike from %s: %d bytes, want %d", ip, got, SpikeBytes[i])
		}
	}
	for _, ip := range TorRemoteIPs {
		if outbound[row{ip, TorPort}] == 0 {
			t.Errorf("no flows to Tor node %s", ip)
		}
	}
}

// TestFindings checks the updates of the walkthroughs' findings and that
// the spikes' sources are in none of them.
func TestFindings(t *testing.T) {
	byID := map[string][]update{}
	for _, u := range load(t).updates {
		byID[u.ID] = append(byID[u.ID], u)
	}
	tor := byID[TorFindingID]
	slices.SortFunc(tor, func(a, b update) int { return strings.Compare(a.UpdatedAt, b.UpdatedAt) })
	if len(tor) != 3 {
		t.Fatalf("%d updates of the Tor finding, want 3", len(tor))
	}
	for i, u := range tor {
		if got := u.Service.Action.NetworkConnectionAction.RemoteIPDetails.IPAddressV4; got != TorRemoteIPs[i] {
			t.Errorf("Tor update %d names %s, want %s", i, got, TorRemoteIPs[i])
		}
		if i > 0 && u.UpdatedAt == tor[i-1].UpdatedAt {
			t.Errorf("Tor updates %d and %d share updatedAt %s", i-1, i, u.UpdatedAt)
		}
	}
	if tor[0].Service.EventFirstSeen != gdTime(TorFirstSeen) || tor[2].Service.EventLastSeen != gdTime(TorLastSeen) {
		t.Errorf("Tor finding seen %s to %s", tor[0].Service.EventFirstSeen, tor[2].Service.EventLastSeen)
	}
	trail := byID[TrailFindingID]
	if len(trail) != 1 || trail[0].Resource.AccessKeyDetails.AccessKeyID != IncidentAdminKey ||
		trail[0].Service.EventFirstSeen != gdTime(StopLoggingTime) {
		t.Errorf("trail finding %+v", trail)
	}
	for _, id := range []string{SSHBruteFindingIDs[0], SSHBruteFindingIDs[1], PortUnusualFindingID, PortProbeFindingID} {
		if len(byID[id]) == 0 {
			t.Errorf("finding %s missing", id)
		}
	}
	for _, us := range byID {
		for _, u := range us {
			for _, ip := range SpikeIPs {
				if strings.Contains(u.raw, `"`+ip+`"`) {
					t.Errorf("finding %s names spike source %s", u.ID, ip)
				}
			}
		}
	}
}

// TestAddresses checks that every address written is a documentation or
// private one, and every time within the history.
func TestAddresses(t *testing.T) {
	allowed := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("172.16.0.0/16"),
	}
	check := func(where, s string) {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return // a service name, "AWS Internal" or "-"
		}
		for _, p := range allowed {
			if p.Contains(a) {
				return
			}
		}
		t.Errorf("%s: address %s outside the documentation and private ranges", where, s)
	}
	tr := load(t)
	for _, r := range tr.org {
		check(r.EventID, r.SourceIP)
		if r.time.Before(HistoryStart) || !r.time.Before(HistoryEnd) {
			t.Errorf("event %s at %v", r.EventID, r.time)
		}
	}
	for _, f := range tr.web {
		check("flow", f.src)
		check("flow", f.dst)
		if f.start.Before(HistoryStart) || !f.start.Before(HistoryEnd) {
			t.Errorf("flow at %v", f.start)
		}
	}
	for _, pl := range Places() {
		check(pl.City, pl.Prefix.Addr().String())
	}
}

func TestIdentifiers(t *testing.T) {
	for _, id := range []string{AdminRoleID, DemoRoleID, WebServerRoleID, DeployerRoleID, UnloggedCallerRoleID, AliceID, BobID, OrgAdminID} {
		if len(id) != 21 {
			t.Errorf("%s: %d characters, IAM unique ids have 21", id, len(id))
		}
	}
	for _, k := range []string{AliceAccessKey, BobAccessKey, OrgAdminAccessKey, IncidentAdminKey, IncidentDemoKey} {
		if len(k) != 20 {
			t.Errorf("%s: %d characters, access key ids have 20", k, len(k))
		}
	}
	if SaraAdminSession != AdminRoleID+":sara" || SaraDemoSession != DemoRoleID+":sara" {
		t.Errorf("sessions %s %s", SaraAdminSession, SaraDemoSession)
	}
}

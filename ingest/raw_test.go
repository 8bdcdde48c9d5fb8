package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// objectBody is a source object's content, gunzipped when it is gzipped.
func objectBody(t *testing.T, uri string) []byte {
	t.Helper()
	data, err := os.ReadFile(strings.TrimPrefix(uri, "file://"))
	if err != nil {
		t.Fatal(err)
	}
	if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

func entityRaw(t *testing.T, st *store.Store, req ingest.RawRequest) *ingest.RawResult {
	t.Helper()
	res, err := ingest.EntityRaw(context.Background(), st, req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDemoRawBehindStopLoggingRow(t *testing.T) {
	st := demotest.Open(t)
	res := entityRaw(t, st, ingest.RawRequest{RawQuery: store.RawQuery{Key: demo.SaraAdminSession,
		Scope: graph.NewScope(demo.IncidentHour, demo.IncidentHour), Calls: store.CallQuery{API: "StopLogging"}}})
	if res.Total != 1 || len(res.Events) != 1 || len(res.Unavailable) != 0 {
		t.Fatalf("StopLogging row: total %d, events %+v, unavailable %+v", res.Total, res.Events, res.Unavailable)
	}
	ev := res.Events[0]
	if ev.EventID != demo.StopLoggingEventID || !ev.Time.Equal(demo.StopLoggingTime) {
		t.Errorf("event %s at %s", ev.EventID, ev.Time)
	}
	for _, want := range []string{`"StopLogging"`, demo.AccountTrailARN, demo.StopLoggingEventID} {
		if !bytes.Contains(ev.JSON, []byte(want)) {
			t.Errorf("raw JSON lacks %s: %s", want, ev.JSON)
		}
	}
	if !json.Valid(ev.JSON) || !bytes.Contains(objectBody(t, ev.Object), ev.JSON) {
		t.Errorf("raw JSON is not the record as stored in %s: %s", ev.Object, ev.JSON)
	}
}

// Every "details for scope time" row's count is the number of raw events
// behind it: the raw references and the filter mirror the aggregation.
func TestDemoRawEventsAddUpToDetailsRows(t *testing.T) {
	st := demotest.Open(t)
	ctx := context.Background()
	scope := graph.NewScope(demo.IncidentHour, demo.IncidentHour)
	for _, key := range []string{demo.SaraAdminSession, demo.DemoRoleARN, graph.SSOKey(demo.SaraUser),
		demo.SaraIncidentIP, demo.IncidentDemoKey, demo.SaraConsoleUserAgent, demo.MemberAccount} {
		for _, by := range []string{"api", "ip", "key"} {
			p, err := st.Profile(ctx, store.ProfileRequest{Key: key, Scope: &scope,
				Panels: []string{store.PanelAPIDetails}, Calls: store.CallQuery{GroupBy: by}})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.APIDetails.Rows) == 0 {
				t.Errorf("%s has no calls in the incident hour", key)
			}
			for _, row := range p.APIDetails.Rows {
				if by == "ip" && row.IP == "" || by == "key" && row.AccessKey == "" {
					continue // calls without one: "" does not drill down
				}
				q := store.CallQuery{IP: row.IP, AccessKey: row.AccessKey}
				if row.API != "" {
					q.API = row.Service + ":" + row.API
				}
				res := entityRaw(t, st, ingest.RawRequest{RawQuery: store.RawQuery{Key: key, Scope: scope, Calls: q}})
				failed := 0
				for _, ev := range res.Events {
					if ev.Failed {
						failed++
					}
				}
				if int64(res.Total) != row.Success+row.Failure || int64(failed) != row.Failure {
					t.Errorf("%s, row %+v: %d raw events, %d failed", key, row, res.Total, failed)
				}
			}
		}
	}
}

// rawLogs is a small CloudTrail setup of two objects, one plain and one
// gzipped, ingested with raw copies kept.
type rawLogs struct {
	st             *store.Store
	logs, keep     string
	plain, gzipped string
}

var rawHour = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// ctEvent is a CloudTrail event of alice's (or another IAM user's).
func ctEvent(id string, minute int, name, user string, extra map[string]any) map[string]any {
	e := map[string]any{
		"eventVersion": "1.10", "eventID": id, "eventTime": rawHour.Add(time.Duration(minute) * time.Minute).Format(time.RFC3339),
		"eventSource": "ec2.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
		"sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2", "recipientAccountId": "123456789012",
		"userIdentity": map[string]any{"type": "IAMUser", "principalId": "AIDA" + user, "accountId": "123456789012",
			"arn": graph.UserKey("123456789012", user), "userName": user, "accessKeyId": "AKIA" + strings.ToUpper(user)},
	}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

// noise is n characters that do not compress much.
func noise(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[r.IntN(16)]
	}
	return string(b)
}

func cloudTrailObject(t *testing.T, events ...map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"Records": events})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func newRawLogs(t *testing.T) *rawLogs {
	t.Helper()
	dir := t.TempDir()
	r := &rawLogs{logs: filepath.Join(dir, "logs"), keep: filepath.Join(dir, "keep")}
	r.plain, r.gzipped = filepath.Join(r.logs, "a.json"), filepath.Join(r.logs, "b.json.gz")
	iam := map[string]any{"eventSource": "iam.amazonaws.com"}
	plain := cloudTrailObject(t,
		// Longer than the fingerprint's span, so a cut past it keeps the start.
		ctEvent("e-03", 3, "DescribeInstances", "alice", map[string]any{"additionalEventData": map[string]any{"note": strings.Repeat("x", 5000)}}),
		ctEvent("e-01", 1, "DescribeInstances", "alice", nil),
		ctEvent("e-10", 10, "CreateAccessKey", "alice", map[string]any{"eventSource": "iam.amazonaws.com",
			"requestParameters": map[string]any{"userName": "bob"},
			"responseElements":  map[string]any{"accessKey": map[string]any{"accessKeyId": "AKIABOBNEW", "userName": "bob", "status": "Active"}}}),
		ctEvent("e-12", 12, "AttachRolePolicy", "alice", map[string]any{"eventSource": "iam.amazonaws.com",
			"errorCode": "AccessDenied", "requestParameters": map[string]any{"roleName": "Admin"}}),
		ctEvent("e-07", 7, "DescribeInstances", "alice", nil))
	bobs := ctEvent("e-08", 8, "ListUsers", "bob", iam)
	bobs["sourceIPAddress"] = "198.51.100.7"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(cloudTrailObject(t,
		ctEvent("e-05b", 5, "DescribeVolumes", "alice", nil),
		ctEvent("e-05a", 5, "DescribeVolumes", "alice", nil),
		bobs,
		ctEvent("e-20", 20, "ListUsers", "alice", iam),
		// The next hour's, and long and incompressible: the gzip stream
		// can be cut inside it keeping the object's start.
		ctEvent("e-99", 99, "ListUsers", "alice", map[string]any{"eventSource": "iam.amazonaws.com",
			"additionalEventData": map[string]any{"note": noise(12000)}})))
	zw.Close()
	if err := os.MkdirAll(r.logs, 0o755); err != nil {
		t.Fatal(err)
	}
	for path, data := range map[string][]byte{r.plain: plain, r.gzipped: gz.Bytes()} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src, err := ingest.NewDirSource(r.logs)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}, KeepRawDir: r.keep}).Run(ctx)
	if err != nil || sum.Total.Bad != 0 {
		t.Fatalf("ingest: %v, %+v", err, sum.Total)
	}
	r.st = st
	return r
}

// alice's calls in rawHour, in time then eventID order.
var aliceHour = []string{"e-01", "e-03", "e-05a", "e-05b", "e-07", "e-10", "e-12", "e-20"}

func (r *rawLogs) read(t *testing.T, keep string, page, size int) *ingest.RawResult {
	t.Helper()
	return entityRaw(t, r.st, ingest.RawRequest{RawQuery: store.RawQuery{Key: graph.UserKey("123456789012", "alice"),
		Scope: graph.NewScope(rawHour, rawHour)}, KeepRawDir: keep, Page: page, PageSize: size})
}

func eventIDs(evs []ingest.RawEvent) []string {
	ids := []string{}
	for _, ev := range evs {
		ids = append(ids, ev.EventID)
	}
	return ids
}

func TestRawPages(t *testing.T) {
	r := newRawLogs(t)
	var all []string
	for page := 1; page <= 4; page++ {
		res := r.read(t, "", page, 3)
		if res.Total != len(aliceHour) || res.Pages != 3 || res.Page != page || res.PageSize != 3 {
			t.Errorf("page %d: total %d, pages %d, page %d of %d", page, res.Total, res.Pages, res.Page, res.PageSize)
		}
		if page == 4 && len(res.Events) != 0 {
			t.Errorf("page past the end holds %v", eventIDs(res.Events))
		}
		all = append(all, eventIDs(res.Events)...)
	}
	if !slices.Equal(all, aliceHour) {
		t.Errorf("pages hold %v, want %v", all, aliceHour)
	}
	if res := r.read(t, "", 1, 0); len(res.Events) != len(aliceHour) || res.PageSize != ingest.DefaultRawPageSize {
		t.Errorf("default page: %d events of %d", len(res.Events), res.PageSize)
	}
}

func TestRawFiltersOneAddress(t *testing.T) {
	r := newRawLogs(t)
	res := entityRaw(t, r.st, ingest.RawRequest{RawQuery: store.RawQuery{Key: "198.51.100.7", Scope: graph.NewScope(rawHour, rawHour)}})
	if got := eventIDs(res.Events); !slices.Equal(got, []string{"e-08"}) {
		t.Errorf("the address's events: %v", got)
	}
}

func TestRawObjectGone(t *testing.T) {
	r := newRawLogs(t)
	want := map[string][]byte{}
	for _, ev := range r.read(t, "", 1, 50).Events {
		want[ev.EventID] = ev.JSON
	}
	for _, path := range []string{r.plain, r.gzipped} {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
	res := r.read(t, "", 1, 50)
	if res.Total != 0 || len(res.Unavailable) != 2 {
		t.Fatalf("without copies: total %d, unavailable %+v", res.Total, res.Unavailable)
	}
	u := res.Unavailable[0]
	if u.Object != "file://"+r.plain || u.Records != 5 ||
		!strings.Contains(u.Reason, "source object "+r.plain+" is no longer available") || !strings.Contains(u.Reason, "--keep-raw") {
		t.Errorf("unavailable: %+v", u)
	}
	res = r.read(t, r.keep, 1, 50)
	if !slices.Equal(eventIDs(res.Events), aliceHour) || len(res.Unavailable) != 0 {
		t.Fatalf("from kept copies: %v, unavailable %+v", eventIDs(res.Events), res.Unavailable)
	}
	for _, ev := range res.Events {
		if !ev.FromCopy || !bytes.Equal(ev.JSON, want[ev.EventID]) {
			t.Errorf("%s: from copy %v, raw %s, want %s", ev.EventID, ev.FromCopy, ev.JSON, want[ev.EventID])
		}
	}
}

func TestRawObjectReplaced(t *testing.T) {
	r := newRawLogs(t)
	other := cloudTrailObject(t, ctEvent("x-1", 1, "DeleteTrail", "mallory", nil))
	if err := os.WriteFile(r.plain, other, 0o644); err != nil {
		t.Fatal(err)
	}
	res := r.read(t, "", 1, 50)
	if len(res.Unavailable) != 1 || !strings.Contains(res.Unavailable[0].Reason, "changed since it was ingested") {
		t.Errorf("replaced object: %+v", res.Unavailable)
	}
	if res := r.read(t, r.keep, 1, 50); !slices.Equal(eventIDs(res.Events), aliceHour) {
		t.Errorf("replaced object, from its copy: %v", eventIDs(res.Events))
	}
}

func TestReadRawStopsAtTheLastWantedRecord(t *testing.T) {
	r := newRawLogs(t)
	// Cut the gzip stream inside its last record, which is not wanted.
	data, err := os.ReadFile(r.gzipped)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.gzipped, data[:len(data)-200], 0o644); err != nil {
		t.Fatal(err)
	}
	if res := r.read(t, "", 1, 50); !slices.Equal(eventIDs(res.Events), aliceHour) || len(res.Unavailable) != 0 {
		t.Errorf("events %v, unavailable %+v", eventIDs(res.Events), res.Unavailable)
	}
	uri := "file://" + r.gzipped
	refs := []store.RawRef{{URI: uri, Fingerprint: fingerprintOf(t, r.st, uri), Indexes: []int64{3, 4}}}
	page, err := ingest.ReadRaw(context.Background(), refs, "", func(*graph.APICall) bool { return true }, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(page.Events); !slices.Equal(got, []string{"e-20"}) || len(page.Unavailable) != 1 ||
		page.Unavailable[0].Records != 1 || !strings.Contains(page.Unavailable[0].Reason, "could not be read to its end") {
		t.Errorf("a wanted record past the cut: events %v, unavailable %+v", got, page.Unavailable)
	}
}

func fingerprintOf(t *testing.T, st *store.Store, uri string) []byte {
	t.Helper()
	cp, ok, err := st.ObjectCheckpoint(context.Background(), uri)
	if err != nil || !ok {
		t.Fatalf("checkpoint of %s: %v %v", uri, ok, err)
	}
	return cp.Fingerprint
}

// BenchmarkReadRaw reads, from the synthetic ingest benchmark's logs,
// the records behind the busiest API row of the busiest principal-hour,
// that principal's whole day, and one account's busiest hour:
// go test -run x -bench ReadRaw ./ingest/
func BenchmarkReadRaw(b *testing.B) {
	dir := benchData(b, "ct", synth.Options{Seed: 1, Accounts: 20, Events: 500_000, EventsPerObject: 2500})
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	src, _ := ingest.NewDirSource(dir)
	if _, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx); err != nil {
		b.Fatal(err)
	}
	var principal, account, service, api string
	var hour, accountHour int64
	if err := st.DB().QueryRow(`SELECT e.key, s.s, n.s, a.hour FROM api_hour a JOIN entity e ON e.id = a.principal
		JOIN str s ON s.id = a.service JOIN str n ON n.id = a.api
		GROUP BY a.principal, a.hour, a.service, a.api ORDER BY sum(a.success + a.failure) DESC LIMIT 1`).Scan(&principal, &service, &api, &hour); err != nil {
		b.Fatal(err)
	}
	if err := st.DB().QueryRow(`SELECT e.key, a.hour FROM api_hour a JOIN entity e ON e.id = a.account
		GROUP BY a.account, a.hour ORDER BY sum(a.success + a.failure) DESC LIMIT 1`).Scan(&account, &accountHour); err != nil {
		b.Fatal(err)
	}
	at := func(h int64) time.Time { return time.Unix(h, 0) }
	for _, bc := range []struct {
		name string
		q    store.RawQuery
	}{
		{"row", store.RawQuery{Key: principal, Scope: graph.NewScope(at(hour), at(hour)), Calls: store.CallQuery{API: service + ":" + api}}},
		{"principal-day", store.RawQuery{Key: principal, Scope: graph.NewScope(at(hour), at(hour).Add(24*time.Hour))}},
		{"account-hour", store.RawQuery{Key: account, Kind: graph.KindAccount, Scope: graph.NewScope(at(accountHour), at(accountHour))}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var res *ingest.RawResult
			for b.Loop() {
				if res, err = ingest.EntityRaw(ctx, st, ingest.RawRequest{RawQuery: bc.q}); err != nil {
					b.Fatal(err)
				}
			}
			set, _ := st.RawRefs(ctx, bc.q)
			b.ReportMetric(float64(res.Total), "events")
			b.ReportMetric(float64(len(set.Objects)), "objects")
		})
	}
}

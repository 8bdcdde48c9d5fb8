package ingest

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// orgBucket is a log bucket as an organisation delivers to it: an
// organisation trail under trail/ (accounts x Regions x days), flow logs
// in text and Parquet, a GuardDuty export under findings/, and objects
// that must never be fetched.
type orgBucket struct {
	f       *fakeS3
	fetched []string // every key a full ingest must GET
	skipped []string // keys it must not
	corrupt string
	// events, flows and findings are what the fetched objects hold.
	events, flows, findings int64
}

var (
	orgAccounts = []string{"111111111111", "222222222222", "333333333333"}
	orgRegions  = []string{"us-east-1", "eu-west-1"}
	orgDay0     = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
)

const (
	orgID           = "o-exampleorg1"
	orgDays         = 3
	orgPerDay       = 60 // objects per account, Region and day
	orgEventsPerObj = 3
)

func newOrgBucket(t testing.TB) *orgBucket {
	ob := &orgBucket{f: newFakeS3(t, "org-logs")}
	for _, account := range orgAccounts {
		for _, region := range orgRegions {
			for d := range orgDays {
				for i := range orgPerDay {
					at := orgDay0.AddDate(0, 0, d).Add(time.Duration(i) * 20 * time.Minute)
					ob.add(trailKey("trail/", orgID, account, region, at, i), trailObject(account, region, at, i, orgEventsPerObj))
					ob.events += orgEventsPerObj
				}
			}
		}
	}
	// A delivery cut short: reported, and the rest lands.
	whole := trailObject("111111111111", "us-east-1", orgDay0, 999, 1)
	ob.corrupt = trailKey("trail/", orgID, "111111111111", "us-east-1", orgDay0.Add(23*time.Hour), 999)
	ob.add(ob.corrupt, whole[:len(whole)/2])

	flowText := readTestdata(t, "flowlogs/v5.log")
	ob.add("trail/AWSLogs/111111111111/vpcflowlogs/us-east-1/2024/03/02/111111111111_vpcflowlogs_us-east-1_fl-0abc_20240302T1000Z_1a2b3c4d.log.gz", gz(flowText))
	ob.flows += countFlows(t, DecodeFlowLog, flowText)
	parquetRows := writeParquet(t, parquetFlowRows(50), 20)
	ob.add("trail/AWSLogs/222222222222/vpcflowlogs/eu-west-1/2024/03/03/05/222222222222_vpcflowlogs_eu-west-1_fl-0def_20240303T0500Z_5e6f7a8b.log.parquet", parquetRows)
	ob.flows += countFlows(t, DecodeFlowLogParquet, parquetRows)
	export := readTestdata(t, "guardduty/export.jsonl")
	ob.add("findings/AWSLogs/333333333333/GuardDuty/us-east-1/2024/03/02/8f1c2a6e-0000-4000-8000-000000000001.jsonl.gz", gz(export))
	sink := &countSink{}
	if err := DecodeGuardDuty(bytes.NewReader(export), 0, sink); err != nil || sink.findings == 0 {
		t.Fatalf("export sample: %v, %d findings", err, sink.findings)
	}
	ob.findings = sink.findings

	for _, key := range []string{
		"trail/AWSLogs/o-exampleorg1/111111111111/CloudTrail-Digest/us-east-1/2024/03/01/111111111111_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T0000Z.json.gz",
		"trail/AWSLogs/111111111111/elasticloadbalancing/us-east-1/2024/03/01/lb.log.gz",
		"trail/AWSLogs/o-exampleorg1/111111111111/CloudTrail/us-east-1/not-a-date/x.json.gz",
		"trail/AWSLogs/o-exampleorg1/111111111111/CloudTrail/us-east-1/2024/03/01/", // a folder marker
		"notes/readme.txt",
		"a/b/c/AWSLogs/111111111111/CloudTrail/us-east-1/2024/03/01/too-deep.json.gz",
	} {
		ob.f.put(key, gz([]byte("{}")))
		ob.skipped = append(ob.skipped, key)
	}
	return ob
}

func (ob *orgBucket) add(key string, body []byte) {
	ob.f.put(key, body)
	ob.fetched = append(ob.fetched, key)
}

// countSink counts what a decoder hands over.
type countSink struct{ calls, flows, findings, bad int64 }

func (s *countSink) APICall(*graph.APICall) error { s.calls++; return nil }
func (s *countSink) Finding(*graph.Finding) error { s.findings++; return nil }
func (s *countSink) Bad(BadRecord) error          { s.bad++; return nil }
func (s *countSink) Notice(string)                {}
func (s *countSink) Flow(f *graph.FlowRecord) error {
	if f.Status == graph.StatusOK {
		s.flows++
	}
	return nil
}

func countFlows(t testing.TB, decode Decoder, data []byte) int64 {
	t.Helper()
	s := &countSink{}
	if err := decode(bytes.NewReader(data), 0, s); err != nil || s.bad > 0 {
		t.Fatalf("sample: %v, %d bad", err, s.bad)
	}
	return s.flows
}

func TestS3OrganisationTrail(t *testing.T) {
	awsTestEnv(t)
	ob := newOrgBucket(t)
	sum := ingestSources(t, filepath.Join(t.TempDir(), "g.db"), testS3Source(t, ob.f, "", S3Options{}))
	got := sum.Sources[0]
	if got.Error != "" {
		t.Fatalf("source error: %s", got.Error)
	}
	if got.FilesRead != int64(len(ob.fetched)) || got.Ingested.CloudTrailEvents != ob.events ||
		got.Ingested.FlowRecords != ob.flows || got.Ingested.Findings != ob.findings {
		t.Errorf("read %d objects, %+v; want %d objects, %d events, %d flows, %d findings",
			got.FilesRead, got.Ingested, len(ob.fetched), ob.events, ob.flows, ob.findings)
	}
	if got.Bad == 0 {
		t.Error("the corrupt object was not reported")
	}
	for _, p := range got.Problems {
		if p.Object != "s3://org-logs/"+ob.corrupt {
			t.Errorf("problem %v; want the corrupt object's only", p)
		}
	}
	gets, _ := ob.f.counts()
	for _, key := range ob.fetched {
		if gets[key] != 1 {
			t.Errorf("%s fetched %d times, want once", key, gets[key])
		}
	}
	for _, key := range ob.skipped {
		if gets[key] != 0 {
			t.Errorf("%s fetched, want never", key)
		}
	}
	if len(ob.fetched) <= 1000 {
		t.Errorf("only %d objects: the layout must hold more than a list page", len(ob.fetched))
	}
}

// TestS3ObjectDelivery checks who delivered each object, from its key.
func TestS3ObjectDelivery(t *testing.T) {
	awsTestEnv(t)
	ob := newOrgBucket(t)
	objs, err := testS3Source(t, ob.f, "", S3Options{}).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byURI := map[string]Object{}
	for _, o := range objs {
		byURI[o.URI] = o
	}
	if len(objs) != len(ob.fetched) {
		t.Errorf("listed %d objects, want %d", len(objs), len(ob.fetched))
	}
	for key, want := range map[string][3]string{
		trailKey("trail/", orgID, "222222222222", "eu-west-1", orgDay0.AddDate(0, 0, 1).Add(7*20*time.Minute), 7): {"org-logs/trail", "222222222222", "eu-west-1"},
		ob.fetched[len(ob.fetched)-1]: {"org-logs/findings", "333333333333", "us-east-1"},
	} {
		o, ok := byURI["s3://org-logs/"+key]
		if !ok {
			t.Errorf("%s not listed", key)
			continue
		}
		if got := [3]string{o.Delivery, o.Account, o.Region}; got != want {
			t.Errorf("%s: delivery, account, Region = %q, want %q", key, got, want)
		}
	}
}

// TestS3Incremental: later runs fetch only what is new, including objects
// that land late under an earlier date, and objects replaced in place.
func TestS3Incremental(t *testing.T) {
	awsTestEnv(t)
	ob := newOrgBucket(t)
	f := ob.f
	db := filepath.Join(t.TempDir(), "g.db")
	following := testS3Source(t, f, "", S3Options{}) // polls of one long run
	ingestSources(t, db, following)
	if gets, _ := f.counts(); len(gets) != len(ob.fetched) {
		t.Fatalf("first run fetched %d objects, want %d", len(gets), len(ob.fetched))
	}

	// A new run lists every day again and fetches nothing.
	again := ingestSources(t, db, testS3Source(t, f, "", S3Options{}))
	if gets, _ := f.counts(); len(gets) != 0 || again.Total.FilesUnchanged != int64(len(ob.fetched)) {
		t.Errorf("second run fetched %v, %d unchanged", gets, again.Total.FilesUnchanged)
	}

	// New objects on the newest day, on a new day, and one landing late
	// under the day before: the next poll lists only the newest days.
	day3 := orgDay0.AddDate(0, 0, 2)
	want := map[string]int{}
	for _, n := range []struct {
		account, region string
		at              time.Time
	}{
		{"111111111111", "us-east-1", day3.Add(23*time.Hour + 55*time.Minute)},
		{"222222222222", "eu-west-1", day3.AddDate(0, 0, 1)},
		{"333333333333", "us-east-1", day3.Add(-time.Hour)},
	} {
		key := trailKey("trail/", orgID, n.account, n.region, n.at, 500)
		f.put(key, trailObject(n.account, n.region, n.at, 500, orgEventsPerObj))
		want[key] = 1
	}
	poll := ingestSources(t, db, following)
	gets, lists := f.counts()
	if !maps.Equal(gets, want) {
		t.Errorf("poll fetched %v, want the three new objects", gets)
	}
	if poll.Total.Ingested.CloudTrailEvents != 3*orgEventsPerObj {
		t.Errorf("poll ingested %d events", poll.Total.Ingested.CloudTrailEvents)
	}
	for _, p := range lists {
		if strings.Contains(p, "/2024/03/01/") {
			t.Errorf("poll listed %s, a day before its window", p)
		}
	}

	// Late under a day the poll's window has passed: a new run, which
	// lists every day, picks it up.
	old := trailKey("trail/", orgID, "222222222222", "us-east-1", orgDay0.Add(12*time.Hour+5*time.Minute), 503)
	f.put(old, trailObject("222222222222", "us-east-1", orgDay0, 503, orgEventsPerObj))
	ingestSources(t, db, following)
	if gets, _ := f.counts(); len(gets) != 0 {
		t.Errorf("poll fetched %v outside its window", gets)
	}
	ingestSources(t, db, testS3Source(t, f, "", S3Options{}))
	if gets, _ := f.counts(); !maps.Equal(gets, map[string]int{old: 1}) {
		t.Errorf("new run fetched %v, want %s", gets, old)
	}

	// Replaced in place (a new ETag): read again; its known events are
	// skipped and the new one lands.
	replaced := trailKey("trail/", orgID, "333333333333", "eu-west-1", day3.Add(2*time.Hour), 6)
	f.put(replaced, trailObject("333333333333", "eu-west-1", day3.Add(2*time.Hour), 6, orgEventsPerObj+1))
	re := ingestSources(t, db, following)
	if gets, _ := f.counts(); !maps.Equal(gets, map[string]int{replaced: 1}) {
		t.Errorf("fetched %v, want the replaced object", gets)
	}
	if re.Total.Ingested.CloudTrailEvents != 1 || re.Total.Skipped != orgEventsPerObj {
		t.Errorf("replaced object: %+v", re.Total)
	}
}

// TestS3Retries: throttling and server errors are retried with backoff,
// a connection cut mid-body resumes where it broke, and an object that
// still fails is reported and read by the next run.
func TestS3Retries(t *testing.T) {
	awsTestEnv(t)
	f := newFakeS3(t, "logs")
	var keys []string
	for i := range 20 {
		at := orgDay0.Add(time.Duration(i) * 5 * time.Minute)
		key := trailKey("", orgID, "111111111111", "us-east-1", at, i)
		f.put(key, trailObject("111111111111", "us-east-1", at, i, 200))
		keys = append(keys, key)
	}
	isList := func(r *http.Request) bool { return r.URL.Query().Has("list-type") }
	listThrottle := f.fail(&s3Fault{match: isList, status: 503, code: "SlowDown", times: 2})
	f.fail(&s3Fault{match: f.getKey(keys[0]), status: 500, code: "InternalError", times: 2})
	f.fail(&s3Fault{match: f.getKey(keys[1]), status: 503, code: "SlowDown", times: 3})
	f.fail(&s3Fault{match: f.getKey(keys[2]), cut: true, times: 1})
	denied := f.fail(&s3Fault{match: f.getKey(keys[3]), status: 403, code: "AccessDenied", times: 1 << 30})
	throttled := f.fail(&s3Fault{match: f.getKey(keys[4]), status: 503, code: "SlowDown", times: 1 << 30})

	db := filepath.Join(t.TempDir(), "g.db")
	sum := ingestSources(t, db, testS3Source(t, f, "", S3Options{}))
	gets, _ := f.counts()
	if listThrottle.hits != 2 || gets[keys[0]] != 3 || gets[keys[1]] != 4 || f.rangedGets(keys[2]) != 1 {
		t.Errorf("attempts: lists throttled %d, %d GETs after two 500s, %d after three 503s, %d ranged GETs after a cut",
			listThrottle.hits, gets[keys[0]], gets[keys[1]], f.rangedGets(keys[2]))
	}
	if gets[keys[3]] != 1 || gets[keys[4]] != s3MaxAttempts {
		t.Errorf("%d GETs of a denied object (want 1), %d of one throttled for good (want %d)", gets[keys[3]], gets[keys[4]], s3MaxAttempts)
	}
	tot := sum.Total
	if tot.Ingested.CloudTrailEvents != 18*200 || tot.Bad != 2 {
		t.Errorf("ingested %d events with %d bad; want %d and 2", tot.Ingested.CloudTrailEvents, tot.Bad, 18*200)
	}
	for _, p := range sum.Sources[0].Problems {
		if !strings.HasPrefix(p.Reason, "cannot read") || (!strings.Contains(p.Object, keys[3]) && !strings.Contains(p.Object, keys[4])) {
			t.Errorf("problem %v", p)
		}
	}

	// Permissions fixed, throttling over: the next run reads those two.
	f.mu.Lock()
	denied.times, throttled.times = denied.hits, throttled.hits
	f.mu.Unlock()
	next := ingestSources(t, db, testS3Source(t, f, "", S3Options{}))
	if gets, _ := f.counts(); !maps.Equal(gets, map[string]int{keys[3]: 1, keys[4]: 1}) || next.Total.Ingested.CloudTrailEvents != 400 {
		t.Errorf("next run fetched %v and ingested %d events", gets, next.Total.Ingested.CloudTrailEvents)
	}
}

// TestS3ListDenied: a prefix the credentials may not list is reported,
// and the rest of the bucket is read.
func TestS3ListDenied(t *testing.T) {
	awsTestEnv(t)
	f := newFakeS3(t, "logs")
	for _, account := range orgAccounts {
		f.put(trailKey("", orgID, account, "us-east-1", orgDay0, 1), trailObject(account, "us-east-1", orgDay0, 1, 5))
	}
	f.fail(&s3Fault{status: 403, code: "AccessDenied", times: 1 << 30, match: func(r *http.Request) bool {
		return strings.Contains(r.URL.Query().Get("prefix"), "/222222222222/")
	}})
	sum := ingestSources(t, filepath.Join(t.TempDir(), "g.db"), testS3Source(t, f, "", S3Options{}))
	s := sum.Sources[0]
	if s.FilesRead != 2 || s.Ingested.CloudTrailEvents != 10 || !strings.Contains(s.Error, "AWSLogs/o-exampleorg1/222222222222/") ||
		!strings.Contains(s.Error, "AccessDenied") {
		t.Errorf("read %d objects, %d events, error %q", s.FilesRead, s.Ingested.CloudTrailEvents, s.Error)
	}
}

// TestS3SinceUntil: a backfill bounded to one day lists and fetches that
// day only.
func TestS3SinceUntil(t *testing.T) {
	awsTestEnv(t)
	ob := newOrgBucket(t)
	day := orgDay0.AddDate(0, 0, 1)
	src := testS3Source(t, ob.f, "trail/", S3Options{Since: day.Add(10 * time.Hour), Until: day.Add(11 * time.Hour)})
	sum := ingestSources(t, filepath.Join(t.TempDir(), "g.db"), src)
	gets, lists := ob.f.counts()
	want := 0
	for _, key := range ob.fetched {
		if strings.HasPrefix(key, "trail/") && strings.Contains(key, "/2024/03/02/") {
			want++
			if gets[key] != 1 {
				t.Errorf("%s not fetched", key)
			}
		}
	}
	if len(gets) != want || sum.Total.FilesRead != int64(want) {
		t.Errorf("fetched %d objects, read %d; want %d", len(gets), sum.Total.FilesRead, want)
	}
	for _, p := range lists {
		if strings.Contains(p, "/2024/03/01/") || strings.Contains(p, "/2024/03/03/") {
			t.Errorf("listed %s, outside the backfill", p)
		}
	}
}

// TestS3Interval: polls sooner than Interval after a listing list nothing,
// and keep its error.
func TestS3Interval(t *testing.T) {
	awsTestEnv(t)
	f := newFakeS3(t, "logs")
	putOneTrailObject(f)
	f.fail(&s3Fault{status: 403, code: "AccessDenied", times: 1, match: func(r *http.Request) bool {
		return strings.Contains(r.URL.Query().Get("prefix"), "/CloudTrail/")
	}})
	src := testS3Source(t, f, "", S3Options{Interval: time.Hour})
	if _, err := src.List(context.Background()); err == nil {
		t.Fatal("the injected error was not reported")
	}
	f.counts()
	objs, err := src.List(context.Background())
	if _, lists := f.counts(); len(objs) != 0 || len(lists) != 0 || err == nil {
		t.Errorf("a poll within the interval listed %d objects with %d requests, error %v", len(objs), len(lists), err)
	}
}

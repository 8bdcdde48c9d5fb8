package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

const (
	adminDetector  = "8cc5a4e1b2d3f4a5b6c7d8e9f0a1b2c3"
	memberDetector = "2ac5b8d0e1f2a3b4c5d6e7f8a9b0c1d2"
	// findings of the fixtures: 02 and 03 are the member's, seen through
	// the administrator's detector in us-east-1; 06 and 07 its own in
	// eu-west-1.
	finding02 = "02c6f1e2d3b4a5968778695a4b3c2d1e"
	finding03 = "03c6f1e2d3b4a5968778695a4b3c2d1e"
	finding06 = "06c6f1e2d3b4a5968778695a4b3c2d1e"
)

func testGuardDutyOptions(f *fakeGuardDuty) GuardDutyOptions {
	return GuardDutyOptions{AWS: AWSOptions{Region: "us-east-1", EndpointURL: f.URL, retryBackoff: quickRetries}}
}

// ingestGuardDuty runs one ingest of a fresh GuardDuty source, as a new
// process would.
func ingestGuardDuty(t *testing.T, db, url string, o GuardDutyOptions) Summary {
	t.Helper()
	ctx := context.Background()
	src, err := NewGuardDutySource(ctx, url, o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src.UseGraph(st)
	sum, err := (&Ingester{Store: st, Sources: []Source{src}}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func listedFindings(t *testing.T, db string) map[string]store.ListedFinding {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.FindingsWithOrigin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.ListedFinding{}
	for _, f := range list {
		out[f.ID] = f
	}
	return out
}

func TestGuardDutySourcePolls(t *testing.T) {
	awsTestEnv(t)
	f := newFakeGuardDuty(t)
	f.fault("ListFindings", 429)
	f.fault("GetFindings", 500)
	db := filepath.Join(t.TempDir(), "g.db")
	url := "guardduty://us-east-1,eu-west-1"

	sum := ingestGuardDuty(t, db, url, testGuardDutyOptions(f))
	s := sum.Sources[0]
	if s.Error != "" || s.Ingested.Findings != 7 || s.FilesRead != 2 || s.Bad != 0 {
		t.Fatalf("first poll: %+v", s)
	}
	// us-east-1: 5 ids in pages of 2, one throttled; eu-west-1: one page.
	if n := f.callsOf("ListFindings"); n != 3+1+1 {
		t.Errorf("ListFindings calls = %d, want 5 (3 pages, 1 page, 1 retry): %v", n, f.calls)
	}
	if n := f.callsOf("GetFindings"); n != 2+1 {
		t.Errorf("GetFindings calls = %d, want 3 (one per Region, 1 retry)", n)
	}
	if !slices.Equal(f.since, []int64{-1, -1}) {
		t.Errorf("a first poll asks for every finding: since %v", f.since)
	}
	got := listedFindings(t, db)
	if len(got) != 7 {
		t.Fatalf("%d findings in the graph", len(got))
	}
	member := got[finding02]
	if member.Account != "444455556666" || member.Source != "guardduty-api" || len(member.Origins) != 1 {
		t.Fatalf("finding 02: %+v", member)
	}
	if o := member.Origins[0]; o.Region != "us-east-1" || o.Detector != adminDetector || o.Role != store.RoleAdministrator || o.Account != "111122223333" {
		t.Errorf("origin through the administrator: %+v", o)
	}
	if o := got[finding06].Origins[0]; o.Detector != memberDetector || o.Role != store.RoleMember || o.Administrator != "111122223333" {
		t.Errorf("origin through the member: %+v", o)
	}
	if !got["05c6f1e2d3b4a5968778695a4b3c2d1e"].Archived {
		t.Error("GuardDuty's archived state is lost")
	}

	// A local archive outlives the finding's next update.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetArchivedLocally(context.Background(), finding03, true); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Restart: only what changed since the watermark is read.
	watermark := time.Date(2026, 10, 1, 11, 30, 0, 0, time.UTC)
	f.update("us-east-1", finding03, watermark.Add(30*time.Minute), 9)
	f.add("eu-west-1", finding06, "08c6f1e2d3b4a5968778695a4b3c2d1e", time.Date(2026, 10, 1, 12, 30, 0, 0, time.UTC))
	sum = ingestGuardDuty(t, db, url, testGuardDutyOptions(f))
	if s := sum.Sources[0]; s.Error != "" || s.Ingested.Findings != 2 || s.FilesRead != 2 {
		t.Fatalf("second poll: %+v", s)
	}
	wantSince := watermark.Add(-guardDutyOverlap).UnixMilli()
	if len(f.since) != 4 || f.since[2] != wantSince {
		t.Errorf("second poll asks since %v, want %d for us-east-1", f.since, wantSince)
	}
	got = listedFindings(t, db)
	if len(got) != 8 || got[finding03].Updates != 2 || !got[finding03].Archived || !got[finding03].ArchivedLocally {
		t.Errorf("after the second poll: %d findings, 03 %+v", len(got), got[finding03])
	}

	// Nothing new: nothing read, nothing counted twice.
	sum = ingestGuardDuty(t, db, url, testGuardDutyOptions(f))
	if s := sum.Sources[0]; s.Error != "" || s.Ingested.Findings != 0 || s.FilesRead != 0 {
		t.Errorf("third poll: %+v", s)
	}
}

// TestGuardDutyRegionFails: a Region that refuses is reported, the others
// are read.
func TestGuardDutyRegionFails(t *testing.T) {
	awsTestEnv(t)
	f := newFakeGuardDuty(t)
	sum := ingestGuardDuty(t, filepath.Join(t.TempDir(), "g.db"), "guardduty://ap-south-1,us-east-1", testGuardDutyOptions(f))
	s := sum.Sources[0]
	if !strings.Contains(s.Error, "ap-south-1") || !strings.Contains(s.Error, "AccessDenied") || s.Ingested.Findings != 5 {
		t.Errorf("summary %+v", s)
	}
}

func TestGuardDutyURL(t *testing.T) {
	for _, c := range []struct {
		url  string
		want []string
		bad  bool
	}{
		{"guardduty://", nil, false},
		{"guardduty://us-east-1", []string{"us-east-1"}, false},
		{"guardduty://us-east-1,eu-west-1/", []string{"us-east-1", "eu-west-1"}, false},
		{"guardduty://us-east-1,,eu-west-1", nil, true},
		{"guardduty://US_EAST", nil, true},
	} {
		got, err := parseGuardDutyURL(c.url)
		if (err != nil) != c.bad || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v %v", c.url, got, err)
		}
	}
}

func TestGuardDutyArchiver(t *testing.T) {
	awsTestEnv(t)
	f := newFakeGuardDuty(t)
	a := NewGuardDutyArchiver(testGuardDutyOptions(f).AWS)
	ctx := context.Background()
	if err := a.SetArchived(ctx, "us-east-1", adminDetector, []string{finding02}, true); err != nil {
		t.Fatal(err)
	}
	if err := a.SetArchived(ctx, "us-east-1", adminDetector, []string{finding02}, false); err != nil {
		t.Fatal(err)
	}
	want := []fakeArchiveCall{
		{"us-east-1", adminDetector, []string{finding02}, true},
		{"us-east-1", adminDetector, []string{finding02}, false},
	}
	if len(f.archives) != 2 || !slices.EqualFunc(f.archives, want, func(a, b fakeArchiveCall) bool {
		return a.region == b.region && a.detector == b.detector && slices.Equal(a.ids, b.ids) && a.archive == b.archive
	}) {
		t.Errorf("archive calls %+v", f.archives)
	}
	err := a.SetArchived(ctx, "eu-west-1", memberDetector, []string{finding06}, true)
	if !errors.Is(err, ErrGuardDutyMember) || !strings.Contains(err.Error(), "administrator account 111122223333 must do it") {
		t.Errorf("a member archives: %v", err)
	}
	if len(f.archives) != 2 {
		t.Errorf("a member's archive reached GuardDuty: %+v", f.archives)
	}
}

// TestGuardDutyPollInterval: following, the API is asked at most once per
// interval; in between the source offers nothing new and repeats the last
// poll's error.
func TestGuardDutyPollInterval(t *testing.T) {
	awsTestEnv(t)
	f := newFakeGuardDuty(t)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := testGuardDutyOptions(f)
	o.Interval, o.State = time.Minute, st
	src, err := NewGuardDutySource(ctx, "guardduty://us-east-1,ap-south-1", o)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	src.now = func() time.Time { return now }
	objs, err := src.List(ctx)
	if len(objs) != 1 || err == nil || !strings.Contains(err.Error(), "ap-south-1") {
		t.Fatalf("first poll: %d objects, %v", len(objs), err)
	}
	now = now.Add(59 * time.Second)
	objs, err2 := src.List(ctx)
	if len(objs) != 0 || err2 == nil || err2.Error() != err.Error() || f.callsOf("ListDetectors") != 2 {
		t.Errorf("within the interval: %d objects, %v, %d ListDetectors", len(objs), err2, f.callsOf("ListDetectors"))
	}
	now = now.Add(time.Second)
	if _, err := src.List(ctx); err == nil || f.callsOf("ListDetectors") != 4 {
		t.Errorf("after the interval: %v, %d ListDetectors", err, f.callsOf("ListDetectors"))
	}
}

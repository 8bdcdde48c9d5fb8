package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// ingestDir runs one ingest of dir into the database at dbPath.
func ingestDir(t *testing.T, dbPath string, dirs ...string) ingest.Summary {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var srcs []ingest.Source
	for _, d := range dirs {
		src, err := ingest.NewDirSource(d)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	sum, err := (&ingest.Ingester{Store: st, Sources: srcs, ChunkRecords: 700}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func stats(t *testing.T, dbPath string) store.Stats {
	t.Helper()
	st, err := store.Open(context.Background(), dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Objects = 0 // objects differ by design between runs over different folders
	return s
}

func synthDir(t *testing.T) string {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Options{Seed: 1, Accounts: 3, Events: 6000, EventsPerObject: 1500,
		Flows: 8000, FlowsPerObject: 4000}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReingestChangesNothing(t *testing.T) {
	dir := synthDir(t)
	db := filepath.Join(t.TempDir(), "g.db")
	first := ingestDir(t, db, dir)
	if first.Total.Ingested.CloudTrailEvents != 6000 || first.Total.Ingested.FlowRecords != 8000 || first.Total.Bad != 0 {
		t.Fatalf("first run: %+v", first.Total)
	}
	before := stats(t, db)
	second := ingestDir(t, db, dir)
	if second.Total.FilesRead != 0 || second.Total.FilesUnchanged != first.Total.FilesRead || second.Total.RecordsRead != 0 {
		t.Errorf("second run read again: %+v", second.Total)
	}
	if after := stats(t, db); !equalStats(before, after) {
		t.Errorf("counts changed:\n%+v\n%+v", before, after)
	}
}

func TestSameEventsFromTwoTrailsCountOnce(t *testing.T) {
	dir := synthDir(t)
	copyDir := filepath.Join(t.TempDir(), "account-trail")
	copyTree(t, filepath.Join(dir, "trail"), copyDir)
	db := filepath.Join(t.TempDir(), "g.db")
	sum := ingestDir(t, db, dir, copyDir)
	if got := sum.Total.Ingested.CloudTrailEvents; got != 6000 {
		t.Errorf("ingested %d events from two copies, want 6000", got)
	}
	if got := sum.Sources[1].Skipped; got != 6000 {
		t.Errorf("second copy skipped %d, want 6000", got)
	}
	if s := stats(t, db); s.Events != 6000 || s.Calls != 6000 {
		t.Errorf("stats = %+v", s)
	}
}

func TestBadFilesReportedGoodRecordsLand(t *testing.T) {
	dir := t.TempDir()
	good := `{"eventVersion":"1.08","eventID":"11111111-0000-0000-0000-000000000001","eventTime":"2026-10-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"ua","userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"alice"},"recipientAccountId":"123456789012"}`
	good2 := strings.Replace(good, "0001", "0002", 1)
	hostile := strings.Replace(good, "0001", "0003", 1)
	hostile = strings.Replace(hostile, `"userAgent":"ua"`, `"userAgent":"\u001b]0;pwned\u0007evil"`, 1)
	write(t, dir, "lines.json", good+"\n{broken json\n"+good2+"\n"+hostile+"\n")
	write(t, dir, "garbage.bin", "\x00\x01\x02 not a log at all")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[` + strings.Replace(good, "0001", "0004", 1) + "," + strings.Replace(good, "0001", "0005", 1)))
	zw.Close()
	write(t, dir, "truncated.json.gz", gz.String()[:gz.Len()-10])
	db := filepath.Join(t.TempDir(), "g.db")
	sum := ingestDir(t, db, dir)
	if got := sum.Total.Ingested.CloudTrailEvents; got < 3 {
		t.Errorf("ingested %d events, want the 3 good lines (and what the truncated object held)", got)
	}
	var lines, garbage, truncated bool
	for _, p := range sum.Total.Problems {
		t.Log(p)
	}
	for _, p := range sum.Sources[0].Problems {
		switch {
		case strings.HasSuffix(p.Object, "lines.json") && p.Line == 2:
			lines = true
		case strings.HasSuffix(p.Object, "garbage.bin"):
			garbage = true
		case strings.HasSuffix(p.Object, "truncated.json.gz"):
			truncated = true
		}
	}
	if !lines || !garbage || !truncated {
		t.Errorf("problems = %+v (want line 2 of lines.json, garbage.bin, truncated.json.gz)", sum.Sources[0].Problems)
	}
	if sum.Total.Bad < 3 {
		t.Errorf("bad = %d", sum.Total.Bad)
	}
}

func equalStats(a, b store.Stats) bool {
	return reflect.DeepEqual(a, b)
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// ingestOnce runs one ingest of sources into the graph at db.
func ingestOnce(t *testing.T, db string, sources ...ingest.Source) ingest.Summary {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := (&ingest.Ingester{Store: st, Sources: sources}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func sourceStates(t *testing.T, db string) map[string]store.SourceState {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.SourceState{}
	for _, s := range list {
		out[s.Source] = s
	}
	return out
}

// TestSourceStateSurvivesRestarts ingests a folder with a good and a bad
// file, then again after a new file arrives and after the folder is gone:
// the per-source counts add up once, the last object and the newest hour
// follow the data, and a failed listing is kept with its time while the
// last success stays.
func TestSourceStateSurvivesRestarts(t *testing.T) {
	dir := t.TempDir()
	copyInto(t, dir, "../testdata/ingest/flowlogs/v2-header.log")
	if err := os.WriteFile(filepath.Join(dir, "b-bad.log"), []byte(flowHeader+"this is not a flow record\n"+flowLine(50001)), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "g.db")
	src, err := ingest.NewDirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum := ingestOnce(t, db, src)
	first := sourceStates(t, db)[src.Name()]
	if first.Objects != 2 || first.Records != sum.Total.RecordsRead || first.Bad != 1 || first.ObjectsListed != 2 {
		t.Fatalf("after the first run: %+v (summary read %d)", first, sum.Total.RecordsRead)
	}
	if first.LastPoll.IsZero() || !first.LastSuccess.Equal(first.LastPoll) || first.LastError != "" {
		t.Errorf("first poll should have succeeded: %+v", first)
	}
	if first.LastBad == nil || !strings.Contains(first.LastBad.Object, "b-bad.log") || first.LastBad.Line != 2 {
		t.Errorf("last bad record: %+v", first.LastBad)
	}
	// flowLine's records start at 1790000000 (2026-09-22 14:13 UTC).
	if want := time.Unix(1790000000-1790000000%3600, 0).UTC(); !first.NewestHour.Equal(want) {
		t.Errorf("newest hour %s, want %s", first.NewestHour, want)
	}

	// A restart with nothing new reads nothing and counts nothing twice.
	ingestOnce(t, db, src)
	if again := sourceStates(t, db)[src.Name()]; again.Objects != 2 || again.Records != first.Records || again.Bad != 1 {
		t.Errorf("a second run changed the counts: %+v", again)
	}

	// A new file is the last object.
	if err := os.WriteFile(filepath.Join(dir, "c-new.log"), []byte(flowHeader+flowLine(50002)+flowLine(50003)), 0o644); err != nil {
		t.Fatal(err)
	}
	ingestOnce(t, db, src)
	third := sourceStates(t, db)[src.Name()]
	if third.Objects != 3 || third.Records != first.Records+2 || !strings.HasSuffix(third.LastObject, "c-new.log") {
		t.Errorf("after a new file: %+v", third)
	}

	// The folder goes away: the listing fails, and the error is kept.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ingestOnce(t, db, src)
	gone := sourceStates(t, db)[src.Name()]
	if !strings.Contains(gone.LastError, "no such file") || gone.LastErrorAt.IsZero() || gone.LastErrorAt.Before(gone.LastSuccess) {
		t.Errorf("a failed listing is not recorded: %+v", gone)
	}
	if gone.LastSuccess.IsZero() || gone.Objects != 3 {
		t.Errorf("a failed listing lost what came before: %+v", gone)
	}
}

func copyInto(t *testing.T, dir, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// listingSource lists nothing and says err.
type listingSource struct {
	name string
	err  error
}

func (s listingSource) Name() string { return s.name }
func (s listingSource) List(context.Context) ([]ingest.Object, error) {
	return nil, s.err
}

// TestSourceStateOfListings records a failing listing as the source's
// error, and a listing cut short by the end of the run not at all.
func TestSourceStateOfListings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	ingestOnce(t, db, listingSource{"s3://denied/x", errors.New("AccessDenied: not for you")},
		listingSource{"s3://stopped/y", fmt.Errorf("list: %w", context.Canceled)})
	states := sourceStates(t, db)
	denied, ok := states["s3://denied/x"]
	if !ok || denied.LastError != "AccessDenied: not for you" || !denied.LastSuccess.IsZero() || denied.LastPoll.IsZero() {
		t.Errorf("failing listing: %+v", denied)
	}
	if stopped, ok := states["s3://stopped/y"]; ok {
		t.Errorf("a cancelled listing was recorded: %+v", stopped)
	}
}

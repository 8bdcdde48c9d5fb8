package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// ingestInto runs one ingest of dir into the database at path.
func ingestInto(t *testing.T, path, dir string, opts store.Options) error {
	t.Helper()
	ctx := context.Background()
	opts.Write = true
	st, err := store.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := ingest.NewDirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}, Workers: 2}).Run(ctx)
	return err
}

// graphCounts is the graph's stats and the sums of every aggregate table,
// so that a count doubled or lost anywhere shows.
func graphCounts(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(stats)
	d, err := st.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + " " + d
}

func integrityOK(t *testing.T, path string) {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var res string
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check of %s: %q %v", path, res, err)
	}
}

func pageCount(t *testing.T, path string) int {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	st.DB().QueryRow(`PRAGMA page_count`).Scan(&n)
	return n
}

// TestDiskFullFailsClearlyAndResumes runs an ingest out of space (SQLite's
// max_page_count raises the same SQLITE_FULL as a full disk): the error
// names the database and says "disk full", the database stays valid, and
// a run with room ends with the counts of a run that never ran out.
func TestDiskFullFailsClearlyAndResumes(t *testing.T) {
	logs := t.TempDir()
	if _, err := synth.Write(logs, synth.Options{Seed: 11, Accounts: 3, Events: 6000, EventsPerObject: 150,
		Flows: 12_000, FlowsPerObject: 600}); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(t.TempDir(), "clean.db")
	if err := ingestInto(t, clean, logs, store.Options{}); err != nil {
		t.Fatal(err)
	}
	want := graphCounts(t, clean)

	full := filepath.Join(t.TempDir(), "full.db")
	err := ingestInto(t, full, logs, store.Options{MaxPages: pageCount(t, clean) / 2})
	if !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("ingest past max_page_count: %v, want ErrDiskFull", err)
	}
	if msg := err.Error(); !strings.Contains(msg, full) || !strings.Contains(msg, "disk full") {
		t.Errorf("error %q does not name the database and say disk full", msg)
	}
	integrityOK(t, full)
	if got := graphCounts(t, full); got == want {
		t.Fatal("the limited run ingested everything: lower MaxPages")
	}
	if err := ingestInto(t, full, logs, store.Options{}); err != nil {
		t.Fatalf("resumed run with room: %v", err)
	}
	integrityOK(t, full)
	if got := graphCounts(t, full); got != want {
		t.Errorf("after disk full and a resume:\n got %s\nwant %s", got, want)
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// purgeFixture makes a graph with every trace purge must remove, and a
// neighbour it must not touch. It returns the database and keep-raw paths.
func purgeFixture(t *testing.T) (db, raw string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "case.db")
	st, err := store.Open(context.Background(), db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw = filepath.Join(dir, "raw")
	copyPath := ingest.RawCopyPath(raw, "s3://bucket/AWSLogs/1/CloudTrail/x.json.gz")
	for _, f := range []string{db + "-wal", db + "-shm", db + ".logs/trail/a.json.gz", geoDir(db) + "/GeoLite2-City.mmdb",
		copyPath, filepath.Join(dir, "other.db")} {
		os.MkdirAll(filepath.Dir(f), 0o700)
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return db, raw
}

func leftIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func runPurge(stdin string, args ...string) (string, error) {
	var out bytes.Buffer
	c := &purgeCommand{stdin: strings.NewReader(stdin), stdout: &out}
	err := c.Run(context.Background(), args)
	return out.String(), err
}

func TestPurgeWithYesRemovesEveryTrace(t *testing.T) {
	db, raw := purgeFixture(t)
	out, err := runPurge("", "--db", db, "--keep-raw", raw, "--yes")
	if err != nil {
		t.Fatalf("purge: %v\n%s", err, out)
	}
	if left := leftIn(t, filepath.Dir(db)); len(left) != 1 || left[0] != "other.db" {
		t.Errorf("left after purge: %v, want only other.db", left)
	}
	for _, listed := range []string{db + "-wal", db + ".lock", db + ".logs", geoDir(db), raw} {
		if !strings.Contains(out, listed) {
			t.Errorf("the list shown before removing lacks %s:\n%s", listed, out)
		}
	}
}

func TestPurgeAsksForTheFileName(t *testing.T) {
	db, _ := purgeFixture(t)
	before := leftIn(t, filepath.Dir(db))
	if _, err := runPurge("y\n", "--db", db); err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Fatalf("purge answered y: %v, want not confirmed", err)
	}
	if left := leftIn(t, filepath.Dir(db)); len(left) != len(before) {
		t.Fatalf("an unconfirmed purge removed files: %v, had %v", left, before)
	}
	if out, err := runPurge("case.db\n", "--db", db); err != nil {
		t.Fatalf("confirmed purge: %v\n%s", err, out)
	}
	if left := leftIn(t, filepath.Dir(db)); len(left) != 2 { // other.db, and raw: not asked for
		t.Errorf("left after purge: %v", left)
	}
}

func TestPurgeRefuses(t *testing.T) {
	db, raw := purgeFixture(t)
	os.WriteFile(filepath.Join(raw, "notes.txt"), []byte("mine"), 0o600)
	if _, err := runPurge("", "--db", db, "--keep-raw", raw, "--yes"); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("purge of a --keep-raw folder holding a user's file: %v, want a refusal naming it", err)
	}
	st, err := store.Open(context.Background(), db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := runPurge("", "--db", db, "--yes"); !errors.Is(err, store.ErrWriterBusy) {
		t.Errorf("purge beside a writer: %v, want ErrWriterBusy", err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("a refused purge removed the database: %v", err)
	}
}

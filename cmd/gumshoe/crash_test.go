package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/store"
)

// queryStats runs `gumshoe query stats` and returns its JSON, less the
// fields that legitimately differ between runs.
func queryStats(t *testing.T, db string) string {
	t.Helper()
	out, err := exec.Command(binary, "query", "--db", db, "stats").Output()
	if err != nil {
		t.Fatalf("query stats: %v", err)
	}
	var s store.Stats
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s)
	return string(b) + graphDigest(t, db)
}

// graphDigest is the store's digest of every aggregate table.
func graphDigest(t *testing.T, db string) string {
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.Digest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return " " + d
}

// committedObjects counts objects the writer has committed, read beside it.
func committedObjects(t *testing.T, db string) int {
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		return 0
	}
	defer st.Close()
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM object`).Scan(&n)
	return n
}

// TestKilledIngestResumesToCleanCounts kills `gumshoe ingest` with SIGKILL
// at several points, resumes it, and compares every count with a clean run.
func TestKilledIngestResumesToCleanCounts(t *testing.T) {
	logs := t.TempDir()
	if _, err := synth.Write(logs, synth.Options{Seed: 3, Accounts: 4, Events: 40_000, EventsPerObject: 500,
		Flows: 120_000, FlowsPerObject: 3000}); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(t.TempDir(), "clean.db")
	if out, err := exec.Command(binary, "ingest", "--db", clean, logs).CombinedOutput(); err != nil {
		t.Fatalf("clean run: %v\n%s", err, out)
	}
	want := queryStats(t, clean)

	killed := filepath.Join(t.TempDir(), "killed.db")
	kills := 0
	for attempt := 0; attempt < 6; attempt++ {
		cmd := exec.Command(binary, "ingest", "--db", killed, "--workers", "1", logs)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		target := committedObjects(t, killed) + 5 + 7*attempt
		deadline := time.Now().Add(30 * time.Second)
		finished := false
		for !finished && committedObjects(t, killed) < target && time.Now().Before(deadline) {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("ingest failed: %v\n%s", err, out.String())
				}
				finished = true
			case <-time.After(20 * time.Millisecond):
			}
		}
		if finished {
			break
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		kills++
	}
	if out, err := exec.Command(binary, "ingest", "--db", killed, logs).CombinedOutput(); err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out)
	}
	if kills == 0 {
		t.Fatal("the ingest finished before it could be killed; make the data larger")
	}
	if got := queryStats(t, killed); got != want {
		t.Errorf("after %d kills and a resume:\n got %s\nwant %s", kills, got, want)
	}
	t.Logf("%d kills survived", kills)
}

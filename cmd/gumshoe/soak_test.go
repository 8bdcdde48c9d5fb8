package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/store"
)

// agedLogs writes two sets of synthetic logs 27 months apart: once the
// recent set is in, the default 365-day retention prunes the old one.
// It returns the folders and how many records they hold.
func agedLogs(t *testing.T, oldEvents, newEvents int) (old, recent string, records int) {
	t.Helper()
	root := t.TempDir()
	old, recent = filepath.Join(root, "old"), filepath.Join(root, "recent")
	sets := []struct {
		dir    string
		events int
		start  time.Time
	}{
		{old, oldEvents, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		{recent, newEvents, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
	}
	for i, s := range sets {
		w, err := synth.Write(s.dir, synth.Options{Seed: uint64(i + 7), Accounts: 4, Events: s.events, EventsPerObject: 500,
			Flows: 3 * s.events, FlowsPerObject: 3000, Start: s.start})
		if err != nil {
			t.Fatal(err)
		}
		records += w.Events + w.Flows
	}
	return old, recent, records
}

// ingestRun runs `gumshoe ingest` to its end.
func ingestRun(t *testing.T, db string, sources ...string) time.Duration {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command(binary, append([]string{"ingest", "--db", db}, sources...)...).CombinedOutput(); err != nil {
		t.Fatalf("ingest %v: %v\n%s", sources, err, out)
	}
	return time.Since(start)
}

// pruneState says how far a prune to horizon got: whether any row before
// the horizon is gone, and whether the data's start reached it (the last
// thing a prune writes).
func pruneState(t *testing.T, db string, horizon int64) (oldRows int64, done bool) {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var first int64
	err = st.DB().QueryRow(`SELECT (SELECT count(*) FROM event_seen WHERE hour < ?1) + (SELECT count(*) FROM api_hour WHERE hour < ?1)
		+ (SELECT count(*) FROM flow_hour WHERE hour < ?1) + (SELECT count(*) FROM entity WHERE last_seen < ?1),
		(SELECT value FROM meta WHERE key = 'first_event')`, horizon).Scan(&oldRows, &first)
	if err != nil {
		t.Fatal(err)
	}
	return oldRows, first >= horizon
}

// integrityCheck runs PRAGMA integrity_check beside no writer, as the
// next run would find the database.
func integrityCheck(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer st.Close()
	var res string
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
}

// startIngestRun starts `gumshoe ingest` and returns a channel that yields
// its exit.
func startIngestRun(t *testing.T, args ...string) (*exec.Cmd, <-chan error, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"ingest"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, done, &out
}

// killAfter SIGKILLs the run after d unless it ends first; it reports
// whether it killed.
func killAfter(t *testing.T, cmd *exec.Cmd, done <-chan error, out *bytes.Buffer, d time.Duration) bool {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ingest failed: %v\n%s", err, out)
		}
		return false
	case <-time.After(d):
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	return true
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestKilledPruneResumes SIGKILLs `gumshoe ingest` while it prunes a
// year-old graph: the database stays valid, and the next run finishes the
// prune to the counts of one that was never killed.
func TestKilledPruneResumes(t *testing.T) {
	old, recent, _ := agedLogs(t, 8000, 200)
	base := filepath.Join(t.TempDir(), "base.db")
	ingestRun(t, base, old)
	clean := filepath.Join(t.TempDir(), "clean.db")
	copyFile(t, base, clean)
	full := ingestRun(t, clean, recent)
	want := queryStats(t, clean)
	horizon := firstEvent(t, clean)
	before, _ := pruneState(t, base, horizon)
	if before == 0 {
		t.Fatal("the old logs leave nothing to prune")
	}

	midway, kills, frac := 0, 0, 0.5
	for attempt := 0; attempt < 8 && midway < 2; attempt++ {
		db := filepath.Join(t.TempDir(), "killed.db")
		copyFile(t, base, db)
		cmd, done, out := startIngestRun(t, "--db", db, recent)
		if !killAfter(t, cmd, done, out, time.Duration(frac*float64(full))) {
			frac /= 2
			continue
		}
		kills++
		integrityCheck(t, db)
		left, finished := pruneState(t, db, horizon)
		switch {
		case left == before: // killed before the prune began
			frac = (frac + 1) / 2
		case finished:
			frac /= 2
		default:
			midway++
		}
		ingestRun(t, db, recent)
		integrityCheck(t, db)
		if got := queryStats(t, db); got != want {
			t.Fatalf("after a kill during pruning and a resume:\n got %s\nwant %s", got, want)
		}
	}
	if midway < 2 {
		t.Fatalf("only %d of %d kills landed while pruning", midway, kills)
	}
	t.Logf("%d kills, %d while pruning, survived", kills, midway)
}

// firstEvent returns the data's start (meta first_event), which a finished
// prune sets to its horizon.
func firstEvent(t *testing.T, db string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var v int64
	if err := st.DB().QueryRow(`SELECT value FROM meta WHERE key = 'first_event'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSoak (GUMSHOE_SOAK=1, scripts/soak.sh) SIGKILLs `gumshoe ingest` at
// random points of ingesting and pruning, at least GUMSHOE_SOAK_KILLS
// times (default 25): after every kill the database passes integrity_check,
// and every run brought to its end has a clean run's counts.
func TestSoak(t *testing.T) {
	if os.Getenv("GUMSHOE_SOAK") == "" {
		t.Skip("set GUMSHOE_SOAK=1 (or run scripts/soak.sh)")
	}
	target := 25
	if v := os.Getenv("GUMSHOE_SOAK_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("GUMSHOE_SOAK_KILLS=%q", v)
		}
		target = n
	}
	old, recent, read := agedLogs(t, 30_000, 2000)
	clean := filepath.Join(t.TempDir(), "clean.db")
	full := ingestRun(t, clean, old, recent)
	want := queryStats(t, clean)
	horizon := firstEvent(t, clean)
	cleanStats := cleanRecords(t, clean)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0))
	var trials, kills, inPrune, rounds int
	for kills < target {
		rounds++
		db := filepath.Join(t.TempDir(), fmt.Sprintf("soak%d.db", rounds))
		for {
			trials++
			workers := strconv.Itoa(1 + rng.IntN(4))
			cmd, done, out := startIngestRun(t, "--db", db, "--workers", workers, old, recent)
			if !killAfter(t, cmd, done, out, time.Duration(rng.Float64()*float64(full))) {
				break
			}
			kills++
			integrityCheck(t, db)
			if _, finished := pruneState(t, db, horizon); !finished && completeObjects(t, db) == cleanStats.objects {
				inPrune++
			}
		}
		integrityCheck(t, db)
		if got := queryStats(t, db); got != want {
			t.Fatalf("round %d, after %d kills:\n got %s\nwant %s", rounds, kills, got, want)
		}
	}
	t.Logf("soak: %d trials, %d kills survived (%d while pruning), %d rounds of %d records read compared equal to a clean run (%d records compared per round: %s)",
		trials, kills, inPrune, rounds, read, cleanStats.records, cleanStats.line)
}

// completeObjects counts the objects read to their end: once all are, a
// run that has not finished its prune is pruning.
func completeObjects(t *testing.T, db string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	st.DB().QueryRow(`SELECT count(*) FROM object WHERE complete = 1`).Scan(&n)
	return n
}

type recordCount struct {
	records, objects int64
	line             string
}

// cleanRecords is what a clean run holds, for the report.
func cleanRecords(t *testing.T, db string) recordCount {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var entities int64
	for _, n := range s.Entities {
		entities += n
	}
	return recordCount{s.Events + s.Flows + s.Findings, s.Objects,
		fmt.Sprintf("%d events, %d flow records, %d findings, %d entities, %d objects kept", s.Events, s.Flows, s.Findings, entities, s.Objects)}
}

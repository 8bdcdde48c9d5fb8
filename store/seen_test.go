package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// TestDuplicatesFoundAfterTheHourWasLetGo: with room for almost no
// identities in memory, every hour is let go and read back from
// event_seen, in the same transaction and in later ones, and copies of
// events are still dropped; a second writer (an empty memory) too.
func TestDuplicatesFoundAfterTheHourWasLetGo(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.seen.limit = 1
	// Three hours, events alternating between them.
	events := func() []graph.APICall {
		var cs []graph.APICall
		for i, id := range []string{"a", "b", "c", "d", "e", "f"} {
			c := call(id, 0, "DescribeInstances", false)
			c.Time = hour0.Add(time.Duration(i%3) * time.Hour)
			c.Pos.Index = int64(i)
			cs = append(cs, c)
		}
		return cs
	}
	first := NewDelta(Checkpoint{URI: "org/1", Complete: true, Records: 6})
	copyInSameCommit := NewDelta(Checkpoint{URI: "acct/1", Complete: true, Records: 6})
	for _, c := range events() {
		first.AddCall(&c)
		copyInSameCommit.AddCall(&c)
	}
	res, err := w.Commit(ctx, first, copyInSameCommit)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Calls != 6 || res[1].Duplicates != 6 {
		t.Fatalf("one commit: %+v", res)
	}
	later := NewDelta(Checkpoint{URI: "acct/2", Complete: true, Records: 6})
	for _, c := range events() {
		later.AddCall(&c)
	}
	if r := commit(t, w, later); r.Calls != 0 || r.Duplicates != 6 {
		t.Fatalf("a later commit: %+v", r)
	}
	w2, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again := NewDelta(Checkpoint{URI: "acct/3", Complete: true, Records: 7})
	for _, c := range append(events(), call("g", 5, "RunInstances", false)) {
		again.AddCall(&c)
	}
	if r := commit(t, w2, again); r.Calls != 1 || r.Duplicates != 6 {
		t.Fatalf("a new writer: %+v", r)
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Events != 7 || stats.Calls != 7 {
		t.Errorf("stats = %+v, want 7 events and calls", stats)
	}
}

// TestRolledBackIdentitiesAreForgotten: identities a failed commit (here
// a full disk) marked seen are not taken as seen by the next commit, which
// must count them all.
func TestRolledBackIdentitiesAreForgotten(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{Write: true, MaxPages: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	events := func() *Delta {
		d := NewDelta(Checkpoint{URI: "org/1", Complete: true, Records: 5000})
		for i := range 5000 {
			c := call(fmt.Sprintf("event-%d", i), i%60, "DescribeInstances", false)
			c.Pos.Index = int64(i)
			d.AddCall(&c)
		}
		return d
	}
	if _, err := w.Commit(ctx, events()); !errors.Is(st.WriteError(err), ErrDiskFull) {
		t.Fatalf("commit into 80 pages (the schema takes 61): %v, want a full disk", err)
	}
	if _, err := st.wdb.Exec("PRAGMA max_page_count = 1000000"); err != nil {
		t.Fatal(err)
	}
	if r := commit(t, w, events()); r.Calls != 5000 || r.Duplicates != 0 {
		t.Fatalf("after the rollback: %+v", r)
	}
}

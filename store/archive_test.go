package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestArchiveMarks: the console archives while the ingest writer holds
// the database (a read-only console waits for its transaction), a local
// mark outlives the finding's next update, and an archive done in
// GuardDuty gives the state back to GuardDuty's updates.
func TestArchiveMarks(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "g.db")
	st, err := Open(ctx, db, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	update := func(n int, archived bool) {
		t.Helper()
		f := retFinding("f1", at.Add(time.Duration(n)*time.Hour), at.Add(-time.Hour), at, "198.51.100.9")
		f.Archived = archived
		d := NewDelta(Checkpoint{URI: "gd/" + f.UpdatedAt.String(), Complete: true, Records: 1})
		d.AddFinding(&f)
		commit(t, w, d)
	}
	update(0, false)

	ro, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	tx, err := st.wdb.BeginTx(ctx, nil) // the ingest goroutine, mid-commit
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ro.SetArchivedLocally(ctx, "f1", true) }()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("local archive beside the writer: %v", err)
	}
	state := func() ArchiveState {
		t.Helper()
		s, err := ro.FindingArchiveState(ctx, "f1")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := state(); !s.Archived || !s.Local {
		t.Fatalf("after the local archive: %+v", s)
	}
	update(1, false)
	if s := state(); !s.Archived || !s.Local {
		t.Errorf("a new update undid the local archive: %+v", s)
	}
	if err := st.RecordGuardDutyArchive(ctx, "f1", false); err != nil {
		t.Fatal(err)
	}
	if s := state(); s.Archived || s.Local {
		t.Errorf("after GuardDuty unarchived: %+v", s)
	}
	update(2, true)
	if s := state(); !s.Archived {
		t.Errorf("GuardDuty's own state is overridden: %+v", s)
	}
	if err := ro.SetArchivedLocally(ctx, "no-such-finding", true); !errors.Is(err, ErrNoFinding) {
		t.Errorf("archive of an unknown finding: %v", err)
	}
	if _, err := ro.FindingArchiveState(ctx, "no-such-finding"); !errors.Is(err, ErrNoFinding) {
		t.Errorf("state of an unknown finding: %v", err)
	}
}

func TestFindingOrigins(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "g.db")
	st, err := Open(ctx, db, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	f := retFinding("f1", at, at.Add(-time.Hour), at, "198.51.100.9")
	for i, cp := range []Checkpoint{
		{URI: "guardduty://us-east-1/det-a/1", ModTime: at.UnixNano(), Complete: true},
		{URI: "guardduty://us-east-1/det-a/2", ModTime: at.Add(time.Hour).UnixNano()}, // not read to the end
		{URI: "guardduty://us-east-1/det-ab/3", ModTime: at.Add(2 * time.Hour).UnixNano(), Complete: true},
	} {
		d := NewDelta(cp)
		if i == 0 {
			d.AddFinding(&f)
		}
		commit(t, w, d)
	}
	newest, ok, err := st.NewestObjectTime(ctx, "guardduty://us-east-1/det-a/")
	if err != nil || !ok || !newest.Equal(at) {
		t.Errorf("watermark %v %v %v, want %v", newest, ok, err, at)
	}
	if _, ok, _ := st.NewestObjectTime(ctx, "guardduty://eu-west-1/det-a/"); ok {
		t.Error("a watermark for a detector never read")
	}
	if known, err := st.HasFindingUpdate(ctx, "f1", at); err != nil || !known {
		t.Errorf("known update: %v %v", known, err)
	}
	if known, _ := st.HasFindingUpdate(ctx, "f1", at.Add(time.Second)); known {
		t.Error("an update never ingested is known")
	}
	err = st.RecordFindingOrigins(ctx, []FindingOrigin{
		{Finding: "f1", Region: "eu-west-1", Detector: "det-m", Account: "444455556666", Role: RoleMember, Administrator: "111122223333", FetchedAt: at},
		{Finding: "f1", Region: "us-east-1", Detector: "det-a", Account: "111122223333", Role: RoleAdministrator, FetchedAt: at},
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.FindingsWithOrigin(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	if l := list[0]; l.Source != "guardduty-api" || len(l.Origins) != 2 {
		t.Errorf("listed %+v", l)
	}
	origins, err := st.FindingOrigins(ctx, "f1")
	if err != nil || len(origins) != 2 || origins[0].Role != RoleAdministrator || origins[1].Administrator != "111122223333" {
		t.Errorf("origins, administrator first: %+v %v", origins, err)
	}
}

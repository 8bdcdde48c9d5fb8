package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui/widgets"
)

// fakeArchiver stands for GuardDuty: it records calls and answers err.
type fakeArchiver struct {
	calls []string
	err   error
}

func (f *fakeArchiver) SetArchived(_ context.Context, region, detector string, ids []string, archived bool) error {
	f.calls = append(f.calls, strings.Join([]string{region, detector, strings.Join(ids, ","), verb(archived)}, " "))
	return f.err
}

// archiveTestApp opens the console read-only (no ingest runs) on a copy
// of the demo graph, with GuardDuty origins for the findings given.
func archiveTestApp(t *testing.T, gd *fakeArchiver, origins ...store.FindingOrigin) (*App, *store.Store) {
	t.Helper()
	src, _ := demotest.Build(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	copyFile(t, src, db)
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.RecordFindingOrigins(ctx, origins); err != nil {
		t.Fatal(err)
	}
	a := New(Options{Backend: StoreBackend{Store: st, GuardDuty: gd}, ExportDir: t.TempDir()})
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, a, loadNow(a.ctx.Backend))
	return a, st
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func archiveState(t *testing.T, st *store.Store, id string) store.ArchiveState {
	t.Helper()
	s, err := st.FindingArchiveState(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantMessage(t *testing.T, a *App, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(a.message.text, p) {
			t.Errorf("status %q lacks %q", a.message.text, p)
		}
	}
}

// A finding read from files is archived locally, after a y/n question
// that a "n" answers.
func TestArchiveLocallyFromTheList(t *testing.T) {
	gd := &fakeArchiver{}
	a, st := archiveTestApp(t, gd)
	selectFinding(t, a, demo.TrailFindingID)
	press(t, a, "a")
	wantMessage(t, a, "read from files", "archive it locally", "y/n")
	if !strings.Contains(a.View(), "archive it locally (GuardDuty is not told)? y/n") {
		t.Errorf("the question is not on screen:\n%s", a.View())
	}
	press(t, a, "n")
	wantMessage(t, a, "archive cancelled")
	if archiveState(t, st, demo.TrailFindingID).Archived {
		t.Fatal("n archived the finding")
	}
	press(t, a, "a", "y")
	wantMessage(t, a, "archived locally")
	if s := archiveState(t, st, demo.TrailFindingID); !s.Archived || !s.Local {
		t.Errorf("after y: %+v", s)
	}
	if r := selectedRow(t, a); r.Cells[len(r.Cells)-1] != "yes" {
		t.Errorf("the list does not mark it archived: %v", r.Cells)
	}
	if len(gd.calls) != 0 {
		t.Errorf("GuardDuty was called for a finding from files: %v", gd.calls)
	}
	press(t, a, "a")
	wantMessage(t, a, "unarchive this finding locally")
	press(t, a, "y")
	if archiveState(t, st, demo.TrailFindingID).Archived {
		t.Error("a did not unarchive")
	}
}

// A finding the API gave through an administrator's detector is archived
// in GuardDuty, on that detector, from the finding page.
func TestArchiveInGuardDuty(t *testing.T) {
	gd := &fakeArchiver{}
	a, st := archiveTestApp(t, gd,
		store.FindingOrigin{Finding: demo.TorFindingID, Region: "eu-west-1", Detector: "det-member", Role: store.RoleMember, Administrator: "111122223333", FetchedAt: time.Now()},
		store.FindingOrigin{Finding: demo.TorFindingID, Region: "us-east-1", Detector: "det-admin", Role: store.RoleAdministrator, FetchedAt: time.Now()})
	selectFinding(t, a, demo.TorFindingID)
	press(t, a, "enter", "a")
	wantMessage(t, a, "archive in GuardDuty (detector det-admin, us-east-1)? y/n")
	press(t, a, "y")
	if want := []string{"us-east-1 det-admin " + demo.TorFindingID + " archive"}; !slices.Equal(gd.calls, want) {
		t.Errorf("GuardDuty calls %v, want %v", gd.calls, want)
	}
	wantMessage(t, a, "archived in GuardDuty (detector det-admin, us-east-1)")
	if s := archiveState(t, st, demo.TorFindingID); !s.Archived || s.Local {
		t.Errorf("after the API archive: %+v", s)
	}
	if !strings.Contains(a.View(), "archived: yes") {
		t.Errorf("the finding page does not show it archived:\n%s", a.View())
	}
}

// A member's credentials: the console says the administrator must
// archive, and offers a local archive.
func TestArchiveAsMember(t *testing.T) {
	gd := &fakeArchiver{}
	a, st := archiveTestApp(t, gd,
		store.FindingOrigin{Finding: demo.TorFindingID, Region: "eu-west-1", Detector: "det-member", Role: store.RoleMember, Administrator: "111122223333", FetchedAt: time.Now()})
	selectFinding(t, a, demo.TorFindingID)
	press(t, a, "a")
	wantMessage(t, a, "members cannot archive findings in GuardDuty: the administrator account 111122223333 must do it", "locally instead? y/n")
	press(t, a, "y")
	if len(gd.calls) != 0 {
		t.Errorf("a member's archive reached GuardDuty: %v", gd.calls)
	}
	if s := archiveState(t, st, demo.TorFindingID); !s.Archived || !s.Local {
		t.Errorf("after the local archive: %+v", s)
	}

	// Credentials that turn out to be a member's when GuardDuty is asked.
	gd.err = &ingest.MemberError{Administrator: "111122223333"}
	a, st = archiveTestApp(t, gd,
		store.FindingOrigin{Finding: demo.TorFindingID, Region: "us-east-1", Detector: "det-admin", Role: store.RoleStandalone, FetchedAt: time.Now()})
	selectFinding(t, a, demo.TorFindingID)
	press(t, a, "a", "y")
	wantMessage(t, a, "members cannot archive", "111122223333", "locally instead? y/n")
	if archiveState(t, st, demo.TorFindingID).Archived {
		t.Fatal("archived although GuardDuty refused")
	}
	press(t, a, "y")
	if s := archiveState(t, st, demo.TorFindingID); !s.Archived || !s.Local {
		t.Errorf("the offered local archive: %+v", s)
	}

	// Any other failure (no credentials, say) offers the same.
	gd.err = errors.New("failed to refresh cached credentials, no EC2 IMDS role found")
	a, st = archiveTestApp(t, gd,
		store.FindingOrigin{Finding: demo.TorFindingID, Region: "us-east-1", Detector: "det-admin", Role: store.RoleAdministrator, FetchedAt: time.Now()})
	selectFinding(t, a, demo.TorFindingID)
	press(t, a, "a", "y")
	wantMessage(t, a, "GuardDuty did not archive: failed to refresh cached credentials", "archive locally instead? y/n")
	press(t, a, "n")
	if archiveState(t, st, demo.TorFindingID).Archived {
		t.Error("archived after n")
	}
}

func selectedRow(t *testing.T, a *App) widgets.Row {
	t.Helper()
	home := a.stack.top().(*homePage)
	cur := home.table.Selected()
	for _, r := range home.table.Rows() {
		if r.Payload == cur {
			return r
		}
	}
	t.Fatal("no row selected")
	return widgets.Row{}
}

func TestHelpListsArchive(t *testing.T) {
	a := newTestApp(t)
	press(t, a, "?")
	if !strings.Contains(a.View(), "archive / unarchive the finding") {
		t.Errorf("help lacks a:\n%s", a.View())
	}
}

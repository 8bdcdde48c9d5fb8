package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// evil holds escape sequences that would retitle the terminal, move the
// cursor or ring the bell if they reached it raw.
const evil = "\x1b]0;owned\x07\x1b[2J\x1b[31m\u009b1;1H"

// hostileGraph writes one call whose every text field is hostile, and a
// finding with hostile text, through the real writer.
func hostileGraph(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "h.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 14, 17, 5, 0, 0, time.UTC)
	d := store.NewDelta(store.Checkpoint{URI: "file:///x" + evil, Complete: true})
	d.AddCall(&graph.APICall{EventID: "e1", Time: at, Account: "123456789012", Region: "us-east-1" + evil,
		Service: "s3.amazonaws.com" + evil, Name: "GetObject" + evil, SourceIP: "192.0.2.1", UserAgent: "agent" + evil,
		Bucket: "bucket" + evil, Identity: graph.Identity{Type: "IAMUser", AccountID: "123456789012", UserName: "mallory" + evil}})
	d.AddFinding(&graph.Finding{ID: "f1" + evil, Type: "Evil:Type/Name" + evil, Title: "title" + evil, Severity: 8,
		Account: "123456789012", CreatedAt: at, UpdatedAt: at, Raw: []byte("{}"),
		Involved: []graph.Involvement{{Entity: graph.Entity{Kind: graph.KindUserAgent, Key: "agent" + evil}, Part: graph.PartUserAgent}}})
	if _, err := w.Commit(ctx, d); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestHostileTextNeverReachesTheScreenRaw walks every page that shows the
// hostile call and finding and asserts that no control character is drawn.
func TestHostileTextNeverReachesTheScreenRaw(t *testing.T) {
	a := New(Options{Backend: StoreBackend{Store: hostileGraph(t)}, ExportDir: t.TempDir()})
	a.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	settle(t, a, loadNow(a.ctx.Backend))
	screens := []string{a.View()}
	press(t, a, "enter") // the finding
	screens = append(screens, a.View())
	press(t, a, "enter") // the user agent it involves
	screens = append(screens, a.View())
	for range 4 {
		press(t, a, "tab")
		press(t, a, "d")
		screens = append(screens, a.View())
	}
	press(t, a, "/")
	typeText(t, a, "mallory")
	press(t, a, "enter")
	screens = append(screens, a.View())
	press(t, a, "enter", "tab", "d")
	screens = append(screens, a.View())
	seen := false
	for i, s := range screens {
		seen = seen || strings.Contains(s, "mallory") || strings.Contains(s, "Evil:Type")
		for _, r := range s {
			// The console itself draws no escape sequences in these tests
			// (no colour profile), so any control character is the log's.
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("screen %d carries control character %U:\n%q", i, r, s)
			}
		}
	}
	if !seen {
		t.Fatal("the hostile entities never showed: the test checked nothing")
	}
}

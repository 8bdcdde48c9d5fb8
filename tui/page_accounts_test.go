package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
)

func TestAccountsTabOpensTheAccount(t *testing.T) {
	a := newTestApp(t)
	press(t, a, "tab", "tab")
	home := a.stack.top().(*homePage)
	if home.tab != 2 || home.accounts.usage == nil {
		t.Fatalf("tab %d, usage %v", home.tab, home.accounts.usage)
	}
	view := a.View()
	if !strings.Contains(view, "[Accounts]") || !strings.Contains(view, demo.MemberAccount) || !strings.Contains(view, demo.OtherRegion) {
		t.Fatalf("accounts tab:\n%s", view)
	}
	for i := 0; i < 10; i++ {
		if ref, ok := home.accounts.table.Selected().(graph.Ref); ok && ref.Key == demo.MemberAccount {
			break
		}
		press(t, a, "j")
	}
	press(t, a, "enter")
	e, ok := a.stack.top().(*entityPage)
	if !ok || e.ref.Key != demo.MemberAccount || e.ref.Kind != graph.KindAccount.String() {
		t.Fatalf("enter opened %T %+v", a.stack.top(), a.stack.top())
	}
	press(t, a, "esc", "shift+tab")
	if home.tab != 1 {
		t.Errorf("shift+tab from Accounts went to tab %d", home.tab)
	}
}

func TestGlobalFilterNarrowsFindings(t *testing.T) {
	a := newTestApp(t)
	home := a.stack.top().(*homePage)
	all := len(home.table.all)
	if all == 0 {
		t.Fatal("the demo has no findings")
	}
	typeFilter(t, a, "account:"+demo.OrgAccount)
	if n := len(home.table.all); n != 0 {
		t.Errorf("%d findings of the member account shown under a filter on the org account", n)
	}
	if head := strings.SplitN(a.View(), "\n", 2)[0]; !strings.Contains(head, "filter account:"+demo.OrgAccount) {
		t.Errorf("header does not show the filter: %q", head)
	}
	// The filter carries across pages: the summary and the accounts tab.
	press(t, a, "tab")
	if n := len(home.summary.sum.Findings); n != 0 {
		t.Errorf("summary lists %d findings of other accounts", n)
	}
	press(t, a, "tab")
	for _, r := range home.accounts.usage.Rows {
		if r.Account != demo.OrgAccount {
			t.Errorf("accounts tab shows %s under the filter", r.Account)
		}
	}
	press(t, a, "tab")
	typeFilter(t, a, "account:"+demo.MemberAccount+" region:"+demo.Region)
	if n := len(home.table.all); n != all {
		t.Errorf("%d of %d findings under the member account's filter", n, all)
	}
	typeFilter(t, a, "") // an empty filter clears it
	if a.filterLabel != "" || len(home.table.all) != all {
		t.Errorf("cleared filter: label %q, %d findings", a.filterLabel, len(home.table.all))
	}
	typeFilter(t, a, "account:nosuchname")
	if !strings.Contains(a.message.text, "nosuchname") || len(home.table.all) != all {
		t.Errorf("a bad filter: message %q, %d findings", a.message.text, len(home.table.all))
	}
}

// typeFilter replaces the global filter: the prompt opens with the
// filter in force, so it is erased first.
func typeFilter(t *testing.T, a *App, text string) {
	t.Helper()
	press(t, a, "A")
	for range len(a.prompt.input.Value()) {
		press(t, a, "backspace")
	}
	typeText(t, a, text)
	press(t, a, "enter")
}

func TestParseGlobalFilter(t *testing.T) {
	names := []store.AccountName{{ID: "111111111111", Name: "Log Archive"}, {ID: "222222222222", Name: "prod"},
		{ID: "333333333333", Name: "prod-eu"}}
	for _, tc := range []struct {
		text, accounts, regions, err string
	}{
		{text: "account:123456789012 region:eu-west-1,us-east-1", accounts: "123456789012", regions: "eu-west-1 us-east-1"},
		{text: "prod", accounts: "222222222222"},
		{text: `account:"log archive" eu-central-1`, accounts: "111111111111", regions: "eu-central-1"},
		{text: "account:prod-", accounts: "333333333333"},
		{text: "account:pro", err: "names 2 accounts"},
		{text: "region:mars", err: "not a Region"},
		{text: "vpc:1", err: "not \"vpc:\""},
	} {
		f, _, err := parseGlobalFilter(tc.text, names)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(f.Accounts, " ") != tc.accounts || strings.Join(f.Regions, " ") != tc.regions {
			t.Errorf("%q: %+v %v", tc.text, f, err)
		}
	}
}

// namedDemo is a copy of the demo graph where Organizations named the
// member account (with an escape sequence, as hostile text).
func namedDemo(t *testing.T) *store.Store {
	t.Helper()
	src, _ := demotest.Build(t)
	dst := filepath.Join(t.TempDir(), "named.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dst, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SaveAccountNames(ctx, []store.AccountName{{ID: demo.MemberAccount, Name: "member\x1b[2J", Status: "ACTIVE",
		FetchedAt: time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAccountNamesInTheConsole(t *testing.T) {
	a := New(Options{Backend: StoreBackend{Store: namedDemo(t)}, ExportDir: t.TempDir()})
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, a, loadNow(a.ctx.Backend))
	view := a.View()
	if !strings.Contains(view, "member") || strings.Contains(view, "\x1b[2J") {
		t.Fatalf("findings list without the account's name, or with its escape:\n%q", view)
	}
	typeFilter(t, a, "Member "+demo.Region)
	home := a.stack.top().(*homePage)
	if len(home.table.all) != 6 {
		t.Errorf("%d findings under a filter by the member's name", len(home.table.all))
	}
	if head := strings.SplitN(a.View(), "\n", 2)[0]; !strings.Contains(head, "account:"+demo.MemberAccount+" (member") {
		t.Errorf("header %q", head)
	}
	press(t, a, "tab", "tab")
	if rows := home.accounts.usage.Rows; len(rows) != 1 || rows[0].Name != "member\x1b[2J" || rows[0].Region != demo.Region {
		t.Errorf("accounts under the filter: %+v", rows)
	}
	if strings.Contains(a.View(), "\x1b[2J") {
		t.Error("the accounts tab printed the name's escape")
	}
}

package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// The global filter (`A`) narrows the console to some accounts and
// Regions: `account:123456789012 region:eu-west-1`, several of each, names
// from Organizations accepted. Like the scope it is the root's and carries
// across pages; the backend applies it, so every page that reads through
// it is narrowed without knowing.

// promptAccountFilter is the prompt's kind while the filter is typed.
const promptAccountFilter promptKind = 100

const accountFilterHint = "account:123456789012 account:prod region:eu-west-1 (empty clears)"

// globalFilterMsg is a typed filter, resolved against the account names.
type globalFilterMsg struct {
	filter store.AccountFilter
	label  string
	err    error
}

// resolveFilter reads the typed text off the UI loop: names need a query.
func resolveFilter(b Backend, text string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		names, err := b.AccountNames(ctx)
		if err != nil {
			return globalFilterMsg{err: err}
		}
		f, label, err := parseGlobalFilter(text, names)
		return globalFilterMsg{filter: f, label: label, err: err}
	}
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)

// parseGlobalFilter reads `account:ID|NAME region:R` words (values may be
// comma-separated; a bare id, Region or name is understood too; quotes
// keep a name with spaces together). label is the filter for the header,
// ids named where known.
func parseGlobalFilter(text string, names []store.AccountName) (store.AccountFilter, string, error) {
	var f store.AccountFilter
	var labels []string
	for _, word := range splitQuoted(text) {
		field, value, ok := strings.Cut(word, ":")
		if !ok {
			field, value = "", word
		}
		for _, v := range strings.Split(value, ",") {
			v = strings.Trim(v, `"`)
			if v == "" {
				continue
			}
			switch {
			case field == "region" || (field == "" && regionPattern.MatchString(v)):
				if !regionPattern.MatchString(v) {
					return f, "", fmt.Errorf("%q is not a Region (like eu-west-1)", v)
				}
				f.Regions = append(f.Regions, v)
				labels = append(labels, "region:"+v)
			case field == "account" || field == "":
				id, name, err := accountOf(v, names)
				if err != nil {
					return f, "", err
				}
				f.Accounts = append(f.Accounts, id)
				if name != "" {
					id += " (" + name + ")"
				}
				labels = append(labels, "account:"+id)
			default:
				return f, "", fmt.Errorf("the filter takes account:ID and region:NAME words, not %q", field+":")
			}
		}
	}
	return f, graph.Sanitize(strings.Join(labels, " ")), nil
}

// accountOf is the account an id or a name means: an exact name first
// (any case), else the one name that starts with v.
func accountOf(v string, names []store.AccountName) (id, name string, err error) {
	byID := map[string]string{}
	for _, n := range names {
		byID[n.ID] = n.Name
	}
	if store.IsAccountID(v) {
		return v, byID[v], nil
	}
	var prefixed []store.AccountName
	for _, n := range names {
		if strings.EqualFold(n.Name, v) {
			return n.ID, n.Name, nil
		}
		if strings.HasPrefix(strings.ToLower(n.Name), strings.ToLower(v)) {
			prefixed = append(prefixed, n)
		}
	}
	switch len(prefixed) {
	case 1:
		return prefixed[0].ID, prefixed[0].Name, nil
	case 0:
		if len(names) == 0 {
			return "", "", fmt.Errorf("%q is not a 12-digit account id, and no names are known (gumshoe accounts --sync)", v)
		}
		return "", "", fmt.Errorf("no account is named %q", v)
	}
	return "", "", fmt.Errorf("%q names %d accounts: type more of the name or the id", v, len(prefixed))
}

// splitQuoted splits on spaces outside double quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// filterNote says, for the header, where the filter does not apply.
func filterNote(p Page, f store.AccountFilter) string {
	switch p.(type) {
	case *findingPage, *rawPage:
		return " (not applied here)"
	case *entityPage:
		if len(f.Regions) > 0 {
			return " (flows: accounts only)"
		}
	}
	return ""
}

// The filtered reads of StoreBackend: the store narrows what it can in
// SQL; findings and search hits are narrowed here.

// Findings implements Backend.
func (b StoreBackend) Findings(ctx context.Context) ([]graph.FindingRow, error) {
	all, err := b.Store.Findings(ctx)
	if err != nil || b.Filter.Empty() {
		return all, err
	}
	kept := []graph.FindingRow{}
	for _, f := range all {
		if b.Filter.Keeps(f.Account, f.Region) {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// Summary implements Backend.
func (b StoreBackend) Summary(ctx context.Context, end time.Time) (*store.Summary, error) {
	return b.Store.SummaryFor(ctx, end, b.Filter)
}

// Profile implements Backend.
func (b StoreBackend) Profile(ctx context.Context, req store.ProfileRequest) (*store.Profile, error) {
	req.Filter = b.Filter
	return b.Store.Profile(ctx, req)
}

// Search implements Backend. Hits of other accounts go; hits without an
// account (addresses, agents, services) stay: they span accounts.
func (b StoreBackend) Search(ctx context.Context, text string) ([]store.SearchHit, error) {
	hits, err := b.Store.Search(ctx, text)
	if err != nil || len(b.Filter.Accounts) == 0 {
		return hits, err
	}
	kept := []store.SearchHit{}
	for _, h := range hits {
		if h.Ref.Account == "" || b.Filter.Keeps(h.Ref.Account, "") {
			kept = append(kept, h)
		}
	}
	return kept, nil
}

// UsageByAccount implements Backend.
func (b StoreBackend) UsageByAccount(ctx context.Context) (*store.AccountUsage, error) {
	return b.Store.AccountUsage(ctx, b.Filter)
}

// setFilter applies a resolved filter to every page from now on and
// reloads the visible one; a filter that did not resolve is an error line.
func (a *App) setFilter(msg globalFilterMsg) tea.Cmd {
	if msg.err != nil {
		return status("filter: "+graph.Sanitize(msg.err.Error()), true)
	}
	sb, ok := a.ctx.Backend.(StoreBackend)
	if !ok {
		return status("this console's backend cannot filter by account", true)
	}
	sb.Filter = msg.filter
	a.ctx.Backend = sb
	a.filterLabel = ""
	if !msg.filter.Empty() {
		a.filterLabel = "filter " + msg.label
	}
	return a.stack.top().Load(&a.ctx)
}

// filterNote is the header's note on the page on screen.
func (a *App) filterNote() string {
	sb, _ := a.ctx.Backend.(StoreBackend)
	return filterNote(a.stack.top(), sb.Filter)
}

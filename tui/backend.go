package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// Backend is what the console reads. *store.Store implements it; tests
// may wrap it to slow it down or count queries.
type Backend interface {
	Now(ctx context.Context) (time.Time, error)
	Findings(ctx context.Context) ([]graph.FindingRow, error)
	Summary(ctx context.Context, end time.Time) (*store.Summary, error)
	Profile(ctx context.Context, req store.ProfileRequest) (*store.Profile, error)
	Search(ctx context.Context, text string) ([]store.SearchHit, error)
	// Raw reads a page of the CloudTrail records behind a details row.
	Raw(ctx context.Context, q store.RawQuery, page int) (*ingest.RawPage, error)
	// UsageByAccount is the accounts tab; AccountNames resolves names in
	// the global filter (filter_global.go).
	UsageByAccount(ctx context.Context) (*store.AccountUsage, error)
	AccountNames(ctx context.Context) ([]store.AccountName, error)
	// FindingArchiveState, SetArchivedLocally and ArchiveInGuardDuty are
	// `a` on a finding (see archive.go).
	FindingArchiveState(ctx context.Context, id string) (store.ArchiveState, error)
	SetArchivedLocally(ctx context.Context, id string, archived bool) error
	ArchiveInGuardDuty(ctx context.Context, via store.FindingOrigin, id string, archived bool) error
}

// StoreBackend is the console's view of a graph database: the store's
// queries, and raw records read again from the objects it points at (or
// from the copies ingest --keep-raw kept in KeepRawDir).
type StoreBackend struct {
	*store.Store
	KeepRawDir string
	// Filter is the global account and Region filter (`A`).
	Filter store.AccountFilter
	// GuardDuty archives findings through the API; nil when the console
	// has no AWS access.
	GuardDuty GuardDutyArchiver
}

// rawPageSize is how many raw records the console reads at once.
const rawPageSize = 200

// Raw implements Backend.
func (b StoreBackend) Raw(ctx context.Context, q store.RawQuery, page int) (*ingest.RawPage, error) {
	res, err := ingest.EntityRaw(ctx, b.Store, ingest.RawRequest{RawQuery: q, KeepRawDir: b.KeepRawDir, Page: page, PageSize: rawPageSize})
	if err != nil {
		return nil, err
	}
	return res.RawPage, nil
}

// queryTimeout bounds one query, so a wedged database shows an error
// instead of a spinner forever.
const queryTimeout = 30 * time.Second

// resultMsg carries a query's answer to the page that asked. Late
// answers (an older request id) are dropped by the page.
type resultMsg struct {
	page int
	req  int
	val  any
	err  error
}

// query runs fn off the UI loop. fn must capture copies of what it needs,
// never the model.
func query(page, req int, fn func(ctx context.Context) (any, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		v, err := fn(ctx)
		return resultMsg{page: page, req: req, val: v, err: err}
	}
}

// request tracks a page's newest query, so that a stale answer never
// overwrites a newer one.
type request struct {
	id      int
	loading bool
	err     error
	started time.Time
}

// start begins a new request and returns its id.
func (r *request) start(c *Context) int {
	c.seq++
	r.id, r.loading, r.err, r.started = c.seq, true, nil, time.Now()
	return r.id
}

// accept reports whether msg answers the newest request, and records it.
func (r *request) accept(msg resultMsg) bool {
	if msg.req != r.id {
		return false
	}
	r.loading, r.err = false, msg.err
	return true
}

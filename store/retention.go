package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// DefaultRetention is how far back from the graph's "now" data is kept
// unless told otherwise: a year, as Amazon Detective keeps.
const DefaultRetention = 365 * 24 * time.Hour

// pruneBatch bounds the rows one pruning transaction selects. Pruning runs
// in the writer goroutine between polls: small transactions keep each
// write lock short, so a reader's snapshot never pins the WAL for long and
// the WAL checkpoints as it would without pruning.
const pruneBatch = 2000

// ParseRetention reads a retention flag: days ("365d"), a Go duration
// ("72h"), or "forever" (kept whole: a negative duration).
func ParseRetention(s string) (time.Duration, error) {
	switch s = strings.TrimSpace(s); {
	case s == "forever":
		return -1, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("retention %q: want a number of days such as 365d, a duration such as 72h, or forever", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Hour {
		return 0, fmt.Errorf("retention %q: want a number of days such as 365d, a duration of at least 1h, or forever", s)
	}
	return d, nil
}

// Pruned says what a prune removed.
type Pruned struct {
	// Horizon is the hour before which data was removed (zero when there
	// was nothing to do).
	Horizon      time.Time
	Rows         map[string]int64
	Transactions int
}

// pruneStep removes one table's rows that are older than the horizon. The
// rows are found in key order from a cursor, so a table whose key does not
// start with the hour (raw_ref, flow_hour) is walked once per prune, not
// once per batch.
type pruneStep struct {
	table string
	key   []string
	// stale selects the rows to remove; ?1 is the horizon.
	stale string
	// also removes what hangs off a removed row; its arguments are the key.
	also []string
}

// pruneSteps go from the aggregates to the entities: an entity may go only
// once no retained link refers to it. The aggregates need no such check:
// an entity's last_seen covers every hour row that names it, so a row at or
// after the horizon keeps its entities.
var pruneSteps = []pruneStep{
	{table: "event_seen", key: []string{"hour", "h"}, stale: "hour < ?1"},
	{table: "api_hour", key: []string{"hour", "principal", "account", "service", "api", "source", "access_key", "user_agent", "region", "error"}, stale: "hour < ?1"},
	// A day's rollups go once every hour of the day is old.
	{table: "principal_day", key: []string{"principal", "day", "what", "a", "b"}, stale: "day <= ?1 - 86400"},
	{table: "account_day", key: []string{"account", "what", "a", "b", "day"}, stale: "day <= ?1 - 86400"},
	{table: "principal_hour", key: []string{"hour", "principal"}, stale: "hour < ?1"},
	{table: "raw_ref", key: []string{"principal", "hour", "object"}, stale: "hour < ?1"},
	{table: "flow_hour", key: []string{"eni", "hour", "local_ip", "remote_ip", "local_port", "remote_port", "protocol", "direction", "action"}, stale: "hour < ?1"},
	// A day's peers go once every hour of the day is old.
	{table: "flow_peer", key: []string{"ip", "day", "eni"}, stale: "day <= ?1 - 86400"},
	{table: "eni_hour", key: []string{"eni", "hour"}, stale: "hour < ?1"},
	// A day's accounts go once every hour of the day is old (seen_in
	// follows by trigger).
	{table: "seen_in_day", key: []string{"entity", "account", "day"}, stale: "day <= ?1 - 86400"},
	{table: "flow_gap", key: []string{"eni", "hour"}, stale: "hour < ?1"},
	{table: "coverage", key: []string{"delivery", "account", "region", "hour"}, stale: "hour < ?1"},
	{table: "trail_event", key: []string{"event_id"}, stale: "time < ?1"},
	{table: "ip_assignment", key: []string{"ip", "account", "vpc", "instance", "eni"}, stale: "last_hour < ?1"},
	{table: "edge", key: []string{"src", "rel", "dst"}, stale: "last_seen < ?1"},
	// A finding's entity spans all its updates, the finding row only those
	// that were newest when they arrived: both must be old.
	{table: "finding", key: []string{"entity"},
		stale: "last_seen < ?1 AND (SELECT last_seen FROM entity WHERE id = t.entity) < ?1",
		also:  []string{"DELETE FROM finding_update WHERE finding = ?", "DELETE FROM finding_entity WHERE finding = ?"}},
	// An entity seen only in an old update of a retained finding, or only
	// at the start of an address assignment that lasts, is still linked.
	// Edges are checked too: a link that outlived an endpoint would point
	// at nothing. Only interfaces need the unindexed eni lookup.
	{table: "entity", key: []string{"id"}, stale: `last_seen < ?1
		AND NOT EXISTS (SELECT 1 FROM finding_entity WHERE entity = t.id)
		AND NOT EXISTS (SELECT 1 FROM edge WHERE src = t.id)
		AND NOT EXISTS (SELECT 1 FROM edge WHERE dst = t.id)
		AND NOT EXISTS (SELECT 1 FROM ip_assignment WHERE ip = t.id)
		AND NOT EXISTS (SELECT 1 FROM ip_assignment WHERE instance = t.id)
		AND (t.kind != ` + strconv.Itoa(int(graph.KindENI)) + ` OR NOT EXISTS (SELECT 1 FROM ip_assignment WHERE eni = t.id))`},
}

// Prune removes what is older than retention before the graph's "now"
// (meta last_event): hourly rows, identities of events seen, coverage,
// trail changes and address assignments older than the horizon, then
// edges, findings (with their updates and links) and entities last seen
// before it. Object checkpoints stay, so old sources are not read again.
// A zero retention means DefaultRetention; a negative one keeps all.
//
// Each transaction removes at most a few thousand rows, so a kill leaves a
// valid graph that is partly pruned; the data's start (meta first_event)
// moves to the horizon only when every step is done, and while it lies
// before the horizon the next call prunes again.
func (w *Writer) Prune(ctx context.Context, retention time.Duration) (Pruned, error) {
	p := &pruner{w: w, batch: pruneBatch}
	return p.run(ctx, retention)
}

// pruner is one prune. committed, when set, is called after each
// transaction: tests stop a prune midway with it.
type pruner struct {
	w         *Writer
	batch     int
	committed func()
}

func (p *pruner) run(ctx context.Context, retention time.Duration) (Pruned, error) {
	res := Pruned{Rows: map[string]int64{}}
	if retention < 0 {
		return res, nil
	}
	if retention == 0 {
		retention = DefaultRetention
	}
	horizon, due, err := p.horizon(ctx, retention)
	if err != nil || !due {
		return res, err
	}
	res.Horizon = utc(horizon)
	// The writer's caches hold ids and spans of entities a step may delete.
	defer p.w.resetCaches()
	for _, step := range pruneSteps {
		if err := p.step(ctx, step, horizon, &res); err != nil {
			if ctx.Err() != nil {
				// Cancelled mid-transaction, database/sql reports the
				// rolled-back transaction as done: say what happened.
				return res, ctx.Err()
			}
			return res, p.w.s.WriteError(fmt.Errorf("prune %s: %w", step.table, err))
		}
	}
	_, err = p.w.s.wdb.ExecContext(ctx, `UPDATE meta SET value = ? WHERE key = 'first_event' AND value < ?`, horizon, horizon)
	return res, p.w.s.WriteError(err)
}

// horizon returns the start of the oldest hour to keep and whether data
// before it remains.
func (p *pruner) horizon(ctx context.Context, retention time.Duration) (int64, bool, error) {
	var first, last sql.NullInt64
	err := p.w.s.wdb.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'first_event'),
		(SELECT value FROM meta WHERE key = 'last_event')`).Scan(&first, &last)
	if err != nil || !last.Valid {
		return 0, false, err
	}
	horizon := hourOfUnix(last.Int64 - int64(retention/time.Second))
	return horizon, first.Int64 < horizon, nil
}

// step removes a table's stale rows, a batch per transaction.
func (p *pruner) step(ctx context.Context, st pruneStep, horizon int64, res *Pruned) error {
	cols := strings.Join(st.key, ", ")
	params := strings.TrimSuffix(strings.Repeat("?, ", len(st.key)), ", ")
	del := "DELETE FROM " + st.table + " WHERE (" + cols + ") = (" + params + ")"
	var cursor []any
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := "SELECT " + cols + " FROM " + st.table + " AS t WHERE (" + st.stale + ")"
		args := []any{horizon}
		if cursor != nil {
			q += " AND (" + cols + ") > (" + params + ")"
			args = append(args, cursor...)
		}
		q += " ORDER BY " + cols + " LIMIT " + strconv.Itoa(p.batch)
		n, last, err := p.batchTx(ctx, q, args, del, st.also, len(st.key))
		if err != nil {
			return err
		}
		if n > 0 {
			res.Rows[st.table] += int64(n)
			res.Transactions++
			if p.committed != nil {
				p.committed()
			}
			if err := p.w.s.LimitWAL(ctx); err != nil {
				return err
			}
		}
		if n < p.batch {
			return nil
		}
		cursor = last
	}
}

// batchTx selects up to a batch of keys with q and deletes them (and what
// hangs off them) in one transaction. It returns how many it deleted and
// the last key, the next batch's cursor.
func (p *pruner) batchTx(ctx context.Context, q string, args []any, del string, also []string, width int) (n int, last []any, err error) {
	tx, err := p.w.s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	keys, err := selectKeys(ctx, tx, q, args, width)
	if err != nil {
		return 0, nil, err
	}
	if len(keys) == 0 {
		return 0, nil, tx.Rollback()
	}
	for _, sqlText := range append([]string{del}, also...) {
		stmt, err := tx.PrepareContext(ctx, sqlText)
		if err != nil {
			return 0, nil, err
		}
		for _, k := range keys {
			if _, err := stmt.ExecContext(ctx, k...); err != nil {
				stmt.Close()
				return 0, nil, err
			}
		}
		stmt.Close()
	}
	return len(keys), keys[len(keys)-1], tx.Commit()
}

func selectKeys(ctx context.Context, tx *sql.Tx, q string, args []any, width int) ([][]any, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys [][]any
	for rows.Next() {
		k := make([]any, width)
		ptrs := make([]any, width)
		for i := range k {
			ptrs[i] = &k[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// What a rollup row counts (principal_day and account_day, 0007_rollups.sql).
const (
	rollAPI    = 1 // a service and API: a and b are their str ids
	rollSource = 2 // a source entity
	rollAgent  = 3 // a user agent entity
)

const secondsPerDay = 86400

func dayOfUnix(t int64) int64 { return t - t%secondsPerDay }

// rollupStatements upsert the rollups, many rows a statement.
type rollupStatements struct {
	principalDay, accountDay, principalHour, eniHour, seenDay batchedStmt
	all                                                       []*sql.Stmt
}

func prepareRollups(ctx context.Context, db *sql.DB) (*rollupStatements, error) {
	r := &rollupStatements{}
	defs := []batchedDef{
		{&r.principalDay, `INSERT INTO principal_day (principal, day, what, a, b, calls, first) VALUES `, 7,
			` ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, first = min(first, excluded.first)`},
		{&r.accountDay, `INSERT INTO account_day (account, what, a, b, day, calls) VALUES `, 6,
			` ON CONFLICT DO UPDATE SET calls = calls + excluded.calls`},
		{&r.principalHour, `INSERT INTO principal_hour (hour, principal, calls) VALUES `, 3,
			` ON CONFLICT DO UPDATE SET calls = calls + excluded.calls`},
		{&r.eniHour, `INSERT INTO eni_hour (eni, hour, bytes) VALUES `, 3,
			` ON CONFLICT DO UPDATE SET bytes = bytes + excluded.bytes`},
		{&r.seenDay, `INSERT INTO seen_in_day (entity, account, day, n) VALUES `, 4,
			` ON CONFLICT DO UPDATE SET n = n + excluded.n`},
	}
	for _, d := range defs {
		var err error
		if d.dst.many, err = db.PrepareContext(ctx, d.head+valuesList(rowBatch, d.cols)+d.tail); err == nil {
			r.all = append(r.all, d.dst.many)
			d.dst.one, err = db.PrepareContext(ctx, d.head+valuesList(1, d.cols)+d.tail)
		}
		if err != nil {
			r.close()
			return nil, err
		}
		r.all = append(r.all, d.dst.one)
	}
	return r, nil
}

func (r *rollupStatements) close() error {
	var errs []error
	for _, st := range r.all {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// principalDayKey and accountDayKey are rollup rows before their counts.
type principalDayKey struct{ principal, day, what, a, b int64 }
type accountDayKey struct{ account, what, a, b, day int64 }

type principalDayRow struct{ calls, first int64 }

// rollups are a commit's rollup rows, added up from its api_hour rows
// (the same rows, already rid of events counted before, so the rollups
// and the hourly rows they summarise can never disagree).
type rollups struct {
	principal map[principalDayKey]*principalDayRow
	account   map[accountDayKey]int64
	hourly    map[[2]int64]int64 // (hour, principal)
}

func newRollups() rollups {
	return rollups{principal: map[principalDayKey]*principalDayRow{}, account: map[accountDayKey]int64{},
		hourly: map[[2]int64]int64{}}
}

// addCall counts one api_hour row's calls under its principal, its account
// (when it has one) and the whole graph (account 0).
func (r rollups) addCall(hour, principal, account, service, api, source, agent, calls int64) {
	r.hourly[[2]int64{hour, principal}] += calls
	day := dayOfUnix(hour)
	// A principal's hourly labels are read joined to the service's and
	// API's names, which drops rows without them: so does its rollup.
	named := service != 0 && api != 0
	items := [3][3]int64{{rollAPI, service, api}, {rollSource, source, 0}, {rollAgent, agent, 0}}
	for _, it := range items {
		if it[0] != rollAPI && it[1] == 0 {
			continue
		}
		if named {
			pk := principalDayKey{principal, day, it[0], it[1], it[2]}
			if row := r.principal[pk]; row != nil {
				row.calls += calls
				row.first = min(row.first, hour)
			} else {
				r.principal[pk] = &principalDayRow{calls: calls, first: hour}
			}
		}
		if account != 0 {
			r.account[accountDayKey{account, it[0], it[1], it[2], day}] += calls
		}
		r.account[accountDayKey{0, it[0], it[1], it[2], day}] += calls
	}
}

func (t *txn) writeRollups(r rollups) error {
	rows := make([][]int64, 0, len(r.principal))
	for k, v := range r.principal {
		rows = append(rows, []int64{k.principal, k.day, k.what, k.a, k.b, v.calls, v.first})
	}
	if err := t.writeRows(t.rollupStmts.principalDay, rows); err != nil {
		return err
	}
	rows = rows[:0]
	for k, n := range r.account {
		rows = append(rows, []int64{k.account, k.what, k.a, k.b, k.day, n})
	}
	if err := t.writeRows(t.rollupStmts.accountDay, rows); err != nil {
		return err
	}
	rows = rows[:0]
	for k, n := range r.hourly {
		rows = append(rows, []int64{k[0], k[1], n})
	}
	return t.writeRows(t.rollupStmts.principalHour, rows)
}

// writeENIHours adds flow rows' bytes to their interface's hour.
func (t *txn) writeENIHours(rows map[flowRowKey]*flowRow, ids map[entityKey]int64) error {
	sums := map[[2]int64]int64{}
	for k, r := range rows {
		sums[[2]int64{lookup(ids, entityKey{graph.KindENI, k.eni}), k.hour}] += r.BytesIn + r.BytesOut
	}
	out := make([][]int64, 0, len(sums))
	for k, n := range sums {
		out = append(out, []int64{k[0], k[1], n})
	}
	return t.writeRows(t.rollupStmts.eniHour, out)
}

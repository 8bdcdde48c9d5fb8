package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// span of a window that is read either from the rollups (whole days) or
// from the hourly rows.
type piece struct {
	from, to int64
	days     bool
}

// splitDays cuts [from, to) into the whole UTC days inside it, read from
// the rollups, and the partial days at its edges, read hour by hour. Days
// that begin before dataStart stay hourly: retention may have removed
// their first hours from api_hour but not from the day's rollup.
func splitDays(from, to, dataStart int64) []piece {
	first := ceilDay(max(from, dataStart))
	last := dayOfUnix(to)
	if first >= last {
		return []piece{{from: from, to: to}}
	}
	out := []piece{}
	if from < first {
		out = append(out, piece{from: from, to: first})
	}
	out = append(out, piece{from: first, to: last, days: true})
	if last < to {
		out = append(out, piece{from: last, to: to})
	}
	return out
}

func ceilDay(t int64) int64 {
	if d := dayOfUnix(t); d != t {
		return d + secondsPerDay
	}
	return t
}

// dataStart is the graph's first event time (meta first_event), 0 if none.
func (s *Store) dataStart(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = 'first_event'), 0)`).Scan(&v)
	return v, err
}

// rollupPrincipals is the SQL list of the principals whose calls are the
// entity's, for reading principal_day; ok is false when the entity's calls
// are not a set of principals' (an address, a key, an agent, an account)
// or the account filter narrows them by Region, which the rollups lack.
func (pc *profileContext) rollupPrincipals() (string, []any, bool) {
	if !pc.filter.Empty() {
		return "", nil, false
	}
	id := pc.e.id
	switch pc.e.kind {
	case graph.KindIP, graph.KindAccessKey, graph.KindUserAgent, graph.KindAccount:
		return "", nil, false
	case graph.KindRole:
		return `SELECT src FROM edge WHERE dst = ? AND rel = ?`, []any{id, int(graph.RelAssumed)}, true
	case graph.KindFederated, graph.KindUser:
		return `SELECT ? UNION ALL SELECT e.src FROM edge e JOIN entity s ON s.id = e.src
			WHERE e.dst = ? AND e.rel = ? AND s.kind = ?`, []any{id, id, int(graph.RelStartedBy), int(graph.KindSession)}, true
	}
	return `SELECT ?`, []any{id}, true
}

// labelSink is where one window's labels go.
type labelSink struct {
	api, ips, agents windows
	inScope          bool
}

// hourlyLabels reads the labels of [from, to) from api_hour.
func (pc *profileContext) hourlyLabels(ctx context.Context, cond string, args []any, p piece, sink labelSink) error {
	q := `WITH g AS (SELECT a.service, a.api, a.source, a.user_agent, sum(a.success + a.failure) AS n, min(a.hour) AS first
		FROM api_hour a WHERE ` + cond + ` AND a.hour >= ? AND a.hour < ? GROUP BY 1, 2, 3, 4)
		SELECT ssvc.s || ':' || sapi.s, CASE WHEN src.kind = ? THEN src.key ELSE '' END, coalesce(ua.key, ''), g.n, g.first
		FROM g JOIN str ssvc ON ssvc.id = g.service JOIN str sapi ON sapi.id = g.api
		LEFT JOIN entity src ON src.id = g.source LEFT JOIN entity ua ON ua.id = g.user_agent`
	rows, err := pc.s.db.QueryContext(ctx, q, append(append([]any{}, args...), p.from, p.to, int(graph.KindIP))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var apiLabel, ip, agent string
		var n, first int64
		if err := rows.Scan(&apiLabel, &ip, &agent, &n, &first); err != nil {
			return err
		}
		u := usage{count: n, first: utc(first)}
		sink.api.add(sink.inScope, apiLabel, u)
		sink.ips.add(sink.inScope, ip, u)
		sink.agents.add(sink.inScope, agent, u)
	}
	return rows.Err()
}

// dailyLabels reads the labels of the whole days [from, to) from
// principal_day: per principal and day, each API, source and agent once.
func (pc *profileContext) dailyLabels(ctx context.Context, principals string, args []any, p piece, sink labelSink) error {
	q := `WITH g AS (SELECT r.what, r.a, r.b, sum(r.calls) AS n, min(r.first) AS first FROM principal_day r
			WHERE r.principal IN (` + principals + `) AND r.day >= ? AND r.day < ? GROUP BY 1, 2, 3)
		SELECT g.what, CASE g.what
			WHEN ? THEN (SELECT s FROM str WHERE id = g.a) || ':' || (SELECT s FROM str WHERE id = g.b)
			WHEN ? THEN (SELECT CASE WHEN kind = ? THEN key ELSE '' END FROM entity WHERE id = g.a)
			ELSE (SELECT key FROM entity WHERE id = g.a) END, g.n, g.first FROM g`
	all := append(append([]any{}, args...), p.from, p.to, rollAPI, rollSource, int(graph.KindIP))
	rows, err := pc.s.db.QueryContext(ctx, q, all...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var what int
		var label sql.NullString
		var n, first int64
		if err := rows.Scan(&what, &label, &n, &first); err != nil {
			return err
		}
		u := usage{count: n, first: utc(first)}
		switch what {
		case rollAPI:
			sink.api.add(sink.inScope, label.String, u)
		case rollSource:
			sink.ips.add(sink.inScope, label.String, u)
		case rollAgent:
			sink.agents.add(sink.inScope, label.String, u)
		}
	}
	return rows.Err()
}

// accountID is the id of the account entity whose rows account_day holds
// under it (0, the whole graph, for an entity without an account); ok is
// false when the account has no entity, so nothing of it was seen.
func (w accountWindow) accountID(ctx context.Context) (int64, bool, error) {
	if w.pc.e.account == "" {
		return 0, true, nil
	}
	var id int64
	err := w.pc.s.db.QueryRowContext(ctx, `SELECT id FROM entity WHERE kind = ? AND key = ?`,
		int(graph.KindAccount), w.pc.e.account).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return id, err == nil, err
}

// dailyAPI reports whether the account called service:api on a day of p:
// one seek for each way of cutting the label at a colon.
func (w accountWindow) dailyAPI(ctx context.Context, account int64, label string, p piece) (bool, error) {
	for i := strings.IndexByte(label, ':'); i >= 0; {
		var found bool
		err := w.pc.s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM account_day WHERE account = ? AND what = ?
			AND a = (SELECT id FROM str WHERE s = ?) AND b = (SELECT id FROM str WHERE s = ?) AND day >= ? AND day < ?)`,
			account, rollAPI, label[:i], label[i+1:], p.from, p.to).Scan(&found)
		if err != nil || found {
			return found, err
		}
		next := strings.IndexByte(label[i+1:], ':')
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false, nil
}

// dailyAgent reports whether the account used the user agent on a day of p.
func (w accountWindow) dailyAgent(ctx context.Context, account int64, agent string, p piece) (bool, error) {
	var found bool
	err := w.pc.s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM account_day WHERE account = ? AND what = ?
		AND a = (SELECT id FROM entity WHERE kind = ? AND key = ?) AND b = 0 AND day >= ? AND day < ?)`,
		account, rollAgent, int(graph.KindUserAgent), agent, p.from, p.to).Scan(&found)
	return found, err
}

// windowSources are the addresses the account (0: the whole graph)
// called from in the pieces of a window. It walks the account's distinct
// sources in account_day (which holds every source of api_hour's retained
// hours), one seek each, and asks each for one day of the whole days in
// account_day or one row of the partial days in api_hour: a few thousand
// seeks into small trees, where reading the account's rows of 45 days
// took up to 0.4 s on the benchmark graph.
func (s *Store) windowSources(ctx context.Context, account int64, pieces []piece) ([]string, error) {
	var seen []string
	args := []any{account, rollSource, account, rollSource, int(graph.KindIP)}
	for _, p := range pieces {
		if p.days {
			seen = append(seen, `EXISTS (SELECT 1 FROM account_day WHERE account = ? AND what = ? AND a = src.id AND b = 0
				AND day >= ? AND day < ?)`)
			args = append(args, account, rollSource, p.from, p.to)
			continue
		}
		cond := `1`
		if account != 0 {
			cond = `a.account = ?`
		}
		seen = append(seen, `EXISTS (SELECT 1 FROM api_hour a INDEXED BY api_by_source_counts WHERE a.source = src.id
			AND a.hour >= ? AND a.hour < ? AND `+cond+`)`)
		args = append(args, p.from, p.to)
		if account != 0 {
			args = append(args, account)
		}
	}
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE src(id) AS (
			SELECT (SELECT min(a) FROM account_day WHERE account = ? AND what = ?)
			UNION ALL SELECT (SELECT min(a) FROM account_day WHERE account = ? AND what = ? AND a > src.id)
			FROM src WHERE src.id IS NOT NULL)
		SELECT e.key FROM src JOIN entity e ON e.id = src.id AND e.kind = ?
		WHERE `+strings.Join(seen, " OR "), args...)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

// scanStrings reads and closes rows of one text column.
func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

package store

import (
	"context"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// topOwners ranks roles and users (as topPrincipals does) from
// principal_hour in one statement: the week's calls are summed per
// principal and day of the week (the day's first hour) once, then the few
// thousand active principals are joined to their owners by edge's key,
// instead of joining every owner link of the graph to api_hour's rows.
func (s *Store) topOwners(ctx context.Context, window, week graph.Scope) (roles, users []Ranked, err error) {
	from := week.Start.Unix()
	rows, err := s.db.QueryContext(ctx, `WITH p AS MATERIALIZED (SELECT principal, ? + (hour - ?) / 86400 * 86400 AS day, sum(calls) AS n
			FROM principal_hour WHERE hour >= ? AND hour < ? GROUP BY 1, 2)
		SELECT 1, e.dst, p.day, p.n FROM p JOIN edge e ON e.src = p.principal AND e.rel = ?
			JOIN entity o ON o.id = e.dst AND o.kind = ?
		UNION ALL SELECT 0, p.principal, p.day, p.n FROM p JOIN entity o ON o.id = p.principal AND o.kind IN (?, ?)
		UNION ALL SELECT 0, e.dst, p.day, p.n FROM p JOIN edge e ON e.src = p.principal AND e.rel = ?
			JOIN entity o ON o.id = e.dst AND o.kind IN (?, ?)`,
		from, from, from, week.End.Unix(), int(graph.RelAssumed), int(graph.KindRole),
		int(graph.KindUser), int(graph.KindFederated), int(graph.RelStartedBy), int(graph.KindUser), int(graph.KindFederated))
	if err != nil {
		return nil, nil, err
	}
	roleSet, userSet := rankSet{}, rankSet{}
	for rows.Next() {
		var role bool
		var id, day, n int64
		if err := rows.Scan(&role, &id, &day, &n); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if role {
			roleSet.add(window, week, id, day, n)
		} else {
			userSet.add(window, week, id, day, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if roles, err = s.top(ctx, roleSet); err != nil {
		return nil, nil, err
	}
	users, err = s.top(ctx, userSet)
	return roles, users, err
}

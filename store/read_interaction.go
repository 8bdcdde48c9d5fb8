package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// interaction answers: who assumed this role, which roles were assumed
// from it, which sessions were involved in the scope, and whose chain of
// assumptions leads to them.
func (pc *profileContext) interaction(ctx context.Context) (*graph.Interaction, error) {
	in := &graph.Interaction{AssumedBy: []graph.EdgeRow{}, AssumedRoles: []graph.EdgeRow{}, Sessions: []graph.SessionRow{}}
	// sessions is a subquery for the sessions this entity stands for.
	var sessions string
	var args []any
	switch pc.e.kind {
	case graph.KindRole:
		sessions, args = `SELECT src FROM edge WHERE dst = ? AND rel = ?`, []any{pc.e.id, int(graph.RelAssumed)}
	case graph.KindSession:
		sessions, args = `SELECT ?`, []any{pc.e.id}
	default: // users and federated users: the sessions they started
		sessions, args = `SELECT src FROM edge WHERE dst = ? AND rel = ?`, []any{pc.e.id, int(graph.RelStartedBy)}
	}
	var err error
	if pc.e.kind != graph.KindUser && pc.e.kind != graph.KindFederated {
		in.AssumedBy, err = pc.s.edgeGroup(ctx, `SELECT x.dst, min(x.first_seen), max(x.last_seen), sum(x.count)
			FROM edge x WHERE x.src IN (`+sessions+`) AND x.rel IN (?, ?) GROUP BY x.dst`,
			append(args, int(graph.RelStartedBy), int(graph.RelCrossAcct))...)
		if err != nil {
			return nil, err
		}
	}
	in.AssumedRoles, err = pc.s.edgeGroup(ctx, `SELECT r.dst, min(c.first_seen), max(c.last_seen), sum(c.count)
		FROM edge c JOIN edge r ON r.src = c.dst AND r.rel = ?
		WHERE c.src IN (`+sessions+`) AND c.rel = ? GROUP BY r.dst`,
		append(append([]any{int(graph.RelAssumed)}, args...), int(graph.RelChained))...)
	if err != nil {
		return nil, err
	}
	if in.Sessions, err = pc.sessionsInScope(ctx, sessions, args); err != nil {
		return nil, err
	}
	if pc.e.kind == graph.KindSession {
		in.Chain, err = pc.s.chain(ctx, pc.e)
	}
	return in, err
}

// edgeGroup reads rows of (entity id, first, last, count).
func (s *Store) edgeGroup(ctx context.Context, q string, args ...any) ([]graph.EdgeRow, error) {
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY 3 DESC`, args...)
	if err != nil {
		return nil, err
	}
	type item struct {
		id                 int64
		first, last, count int64
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.first, &it.last, &it.count); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	out := []graph.EdgeRow{}
	for _, it := range items {
		e, err := s.entityByID(ctx, it.id)
		if err != nil {
			return nil, err
		}
		out = append(out, graph.EdgeRow{Ref: e.ref(), FirstSeen: utc(it.first), LastSeen: utc(it.last), Count: it.count})
	}
	return out, rows.Err()
}

// sessionsInScope lists the sessions, and the sessions chained from them,
// that made calls in the scope, with their roles and starters.
func (pc *profileContext) sessionsInScope(ctx context.Context, sessions string, args []any) ([]graph.SessionRow, error) {
	start, end := inScope(pc.scope)
	all := sessions + ` UNION SELECT dst FROM edge WHERE rel = ? AND src IN (` + sessions + `)`
	qargs := append(append(append([]any{}, args...), int(graph.RelChained)), args...)
	rows, err := pc.s.db.QueryContext(ctx, `SELECT a.principal, min(a.hour), max(a.hour) FROM api_hour a
		WHERE a.principal IN (`+all+`) AND a.hour >= ? AND a.hour < ? GROUP BY a.principal ORDER BY min(a.hour)`,
		append(qargs, start, end)...)
	if err != nil {
		return nil, err
	}
	type active struct{ id, first, last int64 }
	var act []active
	for rows.Next() {
		var a active
		if err := rows.Scan(&a.id, &a.first, &a.last); err != nil {
			rows.Close()
			return nil, err
		}
		act = append(act, a)
	}
	rows.Close()
	out := []graph.SessionRow{}
	for _, a := range act {
		e, err := pc.s.entityByID(ctx, a.id)
		if err != nil {
			return nil, err
		}
		row := graph.SessionRow{Session: e.ref(), FirstSeen: utc(a.first), LastSeen: utc(a.last + 3599), StartedBy: []graph.Ref{}}
		roles, err := pc.s.related(ctx, a.id, graph.RelAssumed, true)
		if err != nil {
			return nil, err
		}
		if len(roles) > 0 {
			row.Role = roles[0].Ref
		}
		starters, err := pc.s.related(ctx, a.id, graph.RelStartedBy, true)
		if err != nil {
			return nil, err
		}
		for _, s := range starters {
			row.StartedBy = append(row.StartedBy, s.Ref)
		}
		out = append(out, row)
	}
	return out, nil
}

// maxChain bounds a chain of assumptions, against loops in hostile logs.
const maxChain = 16

// chain follows "started by" from a session back to the human or service
// at its root, across accounts. Where only the role's account logged the
// assumption, the chain ends at "unknown (cross-account from N)".
func (s *Store) chain(ctx context.Context, start entityRow) ([]graph.Ref, error) {
	out := []graph.Ref{start.ref()}
	seen := map[int64]bool{start.id: true}
	cur := start
	for len(out) < maxChain && cur.kind == graph.KindSession {
		starters, err := s.related(ctx, cur.id, graph.RelStartedBy, true)
		if err != nil {
			return nil, err
		}
		if len(starters) == 0 {
			cross, err := s.related(ctx, cur.id, graph.RelCrossAcct, true)
			if err != nil || len(cross) == 0 {
				return out, err
			}
			out = append(out, graph.Ref{Kind: "account", Key: cross[0].Ref.Key, Account: cross[0].Ref.Key,
				Note: fmt.Sprintf("unknown (cross-account from %s)", cross[0].Ref.Key)})
			return out, nil
		}
		// Prefer a session starter (the chain goes on) over others.
		next := starters[0].Ref
		for _, st := range starters {
			if st.Ref.Kind == graph.KindSession.String() {
				next = st.Ref
				break
			}
		}
		kind, _ := graph.ParseKind(next.Kind)
		e, err := s.lookupEntity(ctx, next.Key, kind)
		if err != nil || seen[e.id] {
			return out, err
		}
		seen[e.id] = true
		out = append(out, e.ref())
		cur = e
	}
	return out, nil
}

// ChainText renders a chain as "a ← b ← c" for summaries.
func ChainText(chain []graph.Ref) string {
	parts := make([]string, len(chain))
	for i, r := range chain {
		parts[i] = r.Key
	}
	return strings.Join(parts, " ← ")
}

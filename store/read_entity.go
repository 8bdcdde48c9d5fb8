package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// ErrNotFound is returned for a key the graph does not hold.
var ErrNotFound = errors.New("not in the graph")

// entityRow is an entity as stored.
type entityRow struct {
	id        int64
	kind      graph.Kind
	key       string
	account   string
	firstSeen time.Time
	lastSeen  time.Time
}

func (e entityRow) entity() graph.Entity {
	return graph.Entity{Kind: e.kind, Key: e.key, Account: e.account}
}

func (e entityRow) ref() graph.Ref { return graph.RefOf(e.entity()) }

// kindPreference orders kinds for a key that names several entities: a
// finding id or a session before anything that merely shares its text.
var kindPreference = []graph.Kind{graph.KindFinding, graph.KindSession, graph.KindRole, graph.KindUser,
	graph.KindFederated, graph.KindInstance, graph.KindIP, graph.KindAccessKey, graph.KindAccount,
	graph.KindBucket, graph.KindENI, graph.KindService, graph.KindUserAgent}

// lookupEntity finds an entity by key, and by kind when kind is not
// KindUnknown.
func (s *Store) lookupEntity(ctx context.Context, key string, kind graph.Kind) (entityRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, key, account, first_seen, last_seen FROM entity WHERE key = ?`, key)
	if err != nil {
		return entityRow{}, err
	}
	defer rows.Close()
	found := map[graph.Kind]entityRow{}
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			return entityRow{}, err
		}
		found[e.kind] = e
	}
	if err := rows.Err(); err != nil {
		return entityRow{}, err
	}
	if kind != graph.KindUnknown {
		if e, ok := found[kind]; ok {
			return e, nil
		}
	} else {
		for _, k := range kindPreference {
			if e, ok := found[k]; ok {
				return e, nil
			}
		}
	}
	return entityRow{}, fmt.Errorf("%q: %w", key, ErrNotFound)
}

func (s *Store) entityByID(ctx context.Context, id int64) (entityRow, error) {
	row := s.db.QueryRowContext(ctx, `SELECT id, kind, key, account, first_seen, last_seen FROM entity WHERE id = ?`, id)
	return scanEntity(row)
}

type scanner interface{ Scan(...any) error }

func scanEntity(r scanner) (entityRow, error) {
	var e entityRow
	var kind int
	var first, last int64
	if err := r.Scan(&e.id, &kind, &e.key, &e.account, &first, &last); err != nil {
		return e, err
	}
	e.kind = graph.Kind(kind)
	e.firstSeen, e.lastSeen = utc(first), utc(last)
	return e, nil
}

// Now is the graph's "now": the newest event it holds, not the wall clock,
// so an investigation of old logs stays valid.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'last_event'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return utc(v), err
}

// accountSince is when the graph's data of an account begins (zero when
// it has none): the start of "training".
func (s *Store) accountSince(ctx context.Context, account string) (time.Time, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT min(hour) FROM coverage WHERE account = ?`, account).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, err
	}
	return utc(v.Int64), nil
}

// inScope binds a scope as unix-second bounds for "hour >= ? AND hour < ?".
func inScope(sc graph.Scope) (int64, int64) { return sc.Start.Unix(), sc.End.Unix() }

// Accounts lists every account the graph has log coverage of.
func (s *Store) Accounts(ctx context.Context) ([]string, error) {
	return s.texts(ctx, `SELECT DISTINCT account FROM coverage ORDER BY account`)
}

// texts runs a query of one text column.
func (s *Store) texts(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

package store

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// strID returns the id of a dictionary string, adding it when new.
func (t *txn) strID(s string) (int64, error) {
	if id, ok := t.strs[s]; ok {
		return id, nil
	}
	var id int64
	err := t.stmt(t.stmts.strGet).QueryRow(s).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = t.stmt(t.stmts.str).QueryRow(s).Scan(&id)
	}
	if err != nil {
		return 0, err
	}
	t.strs[s] = id
	return id, nil
}

// entityID returns the id of an entity, first writing what the delta saw
// of it when that extends what the database holds.
func (t *txn) entityID(k entityKey, seen *entitySeen) (int64, error) {
	if c, ok := t.entities[k]; ok && c.covers(seen) {
		return c.id, nil
	}
	var c cachedEntity
	var kind int
	var key string
	err := t.stmt(t.stmts.entity.one).QueryRow(int(k.kind), k.key, graph.ShortName(k.kind, k.key), seen.account, seen.first, seen.last).
		Scan(&c.id, &c.span.first, &c.span.last, &c.haveAccount, &kind, &key)
	if err != nil {
		return 0, err
	}
	t.entities[k] = c
	t.bounds.add(seen.first)
	t.bounds.add(seen.last)
	return c.id, nil
}

// covers reports whether the database already holds all a delta saw of
// the entity: its span and, if the delta knows it, an account.
func (c cachedEntity) covers(seen *entitySeen) bool {
	return c.span.first <= seen.first && c.span.last >= seen.last && (c.haveAccount || seen.account == "")
}

// principalID is the id of an entity written earlier in this transaction
// (or before it).
func (t *txn) principalID(k entityKey) (int64, error) {
	if c, ok := t.entities[k]; ok {
		return c.id, nil
	}
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT id FROM entity WHERE kind = ? AND key = ?`, int(k.kind), k.key).Scan(&id)
	return id, err
}

// writeEntities writes a set and returns the ids of its members. Those
// the database may not hold as seen are upserted rowBatch at a time, in
// key order.
func (t *txn) writeEntities(es entitySet) (map[entityKey]int64, error) {
	ids := make(map[entityKey]int64, len(es))
	var todo []entityKey
	for k, seen := range es {
		if c, ok := t.entities[k]; ok && c.covers(seen) {
			ids[k] = c.id
			continue
		}
		todo = append(todo, k)
	}
	slices.SortFunc(todo, func(a, b entityKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), strings.Compare(a.key, b.key))
	})
	for len(todo) >= rowBatch {
		if err := t.upsertEntities(todo[:rowBatch], es, ids); err != nil {
			return nil, err
		}
		todo = todo[rowBatch:]
	}
	for _, k := range todo {
		id, err := t.entityID(k, es[k])
		if err != nil {
			return nil, err
		}
		ids[k] = id
	}
	return ids, nil
}

// upsertEntities writes rowBatch entities in one statement. RETURNING
// gives no order, so its rows name the entity they are about.
func (t *txn) upsertEntities(keys []entityKey, es entitySet, ids map[entityKey]int64) error {
	args := make([]any, 0, 6*len(keys))
	for _, k := range keys {
		seen := es[k]
		args = append(args, int(k.kind), k.key, graph.ShortName(k.kind, k.key), seen.account, seen.first, seen.last)
		t.bounds.add(seen.first)
		t.bounds.add(seen.last)
	}
	rows, err := t.stmt(t.stmts.entity.many).Query(args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var c cachedEntity
		var kind int
		var k entityKey
		if err := rows.Scan(&c.id, &c.span.first, &c.span.last, &c.haveAccount, &kind, &k.key); err != nil {
			return err
		}
		k.kind = graph.Kind(kind)
		t.entities[k] = c
		ids[k] = c.id
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(keys) {
		return fmt.Errorf("entity upsert returned %d rows for %d entities", n, len(keys))
	}
	return nil
}

// lookupEntity returns the id of an entity this transaction already wrote
// (0 for the zero key, which stands for "none").
func lookup(ids map[entityKey]int64, k entityKey) int64 {
	if k.key == "" {
		return 0
	}
	return ids[k]
}

// plainEntity adds one entity seen at t to a set, for writers that do not
// collect sets as they go.
func plainEntity(es entitySet, kind graph.Kind, key, account string, t int64) entityKey {
	e := graph.Entity{Kind: kind, Key: key, Account: account}
	es.add(e, t)
	return keyOf(e)
}

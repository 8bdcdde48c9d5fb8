package store

import (
	"database/sql"
	"errors"

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
	c, ok := t.entities[k]
	if ok && c.span.first <= seen.first && c.span.last >= seen.last && (c.haveAccount || seen.account == "") {
		return c.id, nil
	}
	var have bool
	err := t.stmt(t.stmts.entity).QueryRow(int(k.kind), k.key, graph.ShortName(k.kind, k.key), seen.account, seen.first, seen.last).
		Scan(&c.id, &c.span.first, &c.span.last, &have)
	if err != nil {
		return 0, err
	}
	c.haveAccount = have
	t.entities[k] = c
	t.bounds.add(seen.first)
	t.bounds.add(seen.last)
	return c.id, nil
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

// writeEntities writes a set and returns the ids of its members.
func (t *txn) writeEntities(es entitySet) (map[entityKey]int64, error) {
	ids := make(map[entityKey]int64, len(es))
	for k, seen := range es {
		id, err := t.entityID(k, seen)
		if err != nil {
			return nil, err
		}
		ids[k] = id
	}
	return ids, nil
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

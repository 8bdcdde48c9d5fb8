package store

import (
	"encoding/binary"

	"github.com/gumshoe-sec/gumshoe/graph"
)

func (t *txn) writeCalls(cd *callDelta) error {
	cd.rowFacts()
	for k := range cd.assignments {
		plainEntity(cd.entities, graph.KindIP, k.ip, "", cd.assignments[k].first)
	}
	ids, err := t.writeEntities(cd.entities)
	if err != nil {
		return err
	}
	edge := t.stmt(t.stmts.edge)
	for k, s := range cd.edges {
		if _, err := edge.Exec(lookup(ids, k.from), int(k.rel), lookup(ids, k.to), s.first, s.last, s.count); err != nil {
			return err
		}
	}
	if err := t.writeAPI(cd, ids); err != nil {
		return err
	}
	if err := t.writeAssignments(cd.assignments, ids); err != nil {
		return err
	}
	trail := t.stmt(t.stmts.trail)
	for _, e := range cd.trail {
		if _, err := trail.Exec(e.eventID, e.time, e.account, e.region, e.trail, e.bucket, e.api,
			lookup(ids, e.principal), boolInt(e.failed)); err != nil {
			return err
		}
	}
	return nil
}

// writeRaw writes an object's raw references. Their principals are
// written with the rows; the ids come from the cache or one lookup.
func (t *txn) writeRaw(raw map[rawKey][]int64, object int64) error {
	st := t.stmt(t.stmts.raw)
	for k, idx := range raw {
		id, err := t.principalID(k.principal)
		if err != nil {
			return err
		}
		if _, err := st.Exec(id, k.hour, object, encodeIndexes(idx)); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) writeAPI(cd *callDelta, ids map[entityKey]int64) error {
	rows := make([][]int64, 0, len(cd.api))
	cells := make([]int64, 0, 12*len(cd.api))
	roll := newRollups()
	seen := seenIn{}
	for k, r := range cd.api {
		var strs [4]int64
		for i, s := range []string{k.service, k.api, k.region, k.errorCode} {
			id, err := t.strID(s)
			if err != nil {
				return err
			}
			strs[i] = id
		}
		acct := lookup(ids, entityKey{graph.KindAccount, k.account})
		key := lookup(ids, entityKey{graph.KindAccessKey, k.accessKey})
		agent := lookup(ids, entityKey{graph.KindUserAgent, k.userAgent})
		principal, source := lookup(ids, k.principal), lookup(ids, k.source)
		start := len(cells)
		cells = append(cells, k.hour, principal, acct, strs[0], strs[1],
			source, key, agent, strs[2], strs[3], r.success, r.failure)
		rows = append(rows, cells[start:len(cells):len(cells)])
		roll.addCall(k.hour, principal, acct, strs[0], strs[1], source, agent, r.success+r.failure)
		seen.add(source, k.account, k.hour, r.success+r.failure)
		seen.add(agent, k.account, k.hour, r.success+r.failure)
	}
	if err := t.writeRows(t.stmts.api, rows); err != nil {
		return err
	}
	if err := t.writeSeenIn(seen); err != nil {
		return err
	}
	return t.writeRollups(roll)
}

func (t *txn) writeAssignments(as map[assignmentKey]*span, ids map[entityKey]int64) error {
	st := t.stmt(t.stmts.assignment)
	for k, s := range as {
		ip := lookup(ids, entityKey{graph.KindIP, k.ip})
		inst := lookup(ids, entityKey{graph.KindInstance, k.instance})
		eni := lookup(ids, entityKey{graph.KindENI, k.eni})
		if _, err := st.Exec(ip, k.account, k.vpc, inst, eni, hourOfUnix(s.first), hourOfUnix(s.last)); err != nil {
			return err
		}
	}
	return nil
}

// encodeIndexes writes record indexes as uvarints. Absolute values, not
// deltas, so chunks of one object concatenate in raw_ref.idx.
func encodeIndexes(idx []int64) []byte {
	buf := make([]byte, 0, len(idx)*3)
	for _, i := range idx {
		buf = binary.AppendUvarint(buf, uint64(i))
	}
	return buf
}

// DecodeIndexes reads what encodeIndexes wrote.
func DecodeIndexes(b []byte) []int64 {
	var out []int64
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			break
		}
		out = append(out, int64(v))
		b = b[n:]
	}
	return out
}

package store

// seenCacheMax bounds the event identities the writer holds in memory
// (about 30 bytes each); past it, the oldest hours are let go and read
// again from event_seen when an event of theirs comes back.
const seenCacheMax = 2_000_000

// seenHours holds, per hour, the identities of the events event_seen has
// for it: sets loaded whole on first use, so that telling a new event
// from a copy delivered by a second trail costs a map lookup, not a
// statement per event. It is dropped with the writer's other caches when
// a transaction rolls back (or a prune deletes rows under it).
type seenHours struct {
	hours map[int64]map[int64]struct{}
	size  int
	// limit is seenCacheMax; tests lower it.
	limit int
}

// hour returns the set of an hour, loading it first when it is not held.
func (t *txn) seenHour(hour int64) (map[int64]struct{}, error) {
	if set, ok := t.seen.hours[hour]; ok {
		return set, nil
	}
	t.evictSeen()
	rows, err := t.stmt(t.stmts.seenLoad).Query(hour)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[int64]struct{}{}
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		set[h] = struct{}{}
	}
	t.seen.hours[hour] = set
	t.seen.size += len(set)
	return set, rows.Err()
}

// evictSeen lets go of the oldest hours once the sets hold too much. Logs
// arrive roughly in time order, so old hours are the least likely to be
// asked for again; one that is costs a reload, never a wrong answer.
func (t *txn) evictSeen() {
	for t.seen.size > t.seen.limit && len(t.seen.hours) > 0 {
		oldest := int64(0)
		first := true
		for h := range t.seen.hours {
			if first || h < oldest {
				oldest, first = h, false
			}
		}
		t.seen.size -= len(t.seen.hours[oldest])
		delete(t.seen.hours, oldest)
	}
}

// dropDuplicateCalls marks the delta's events as seen and rebuilds its
// call aggregates without those another object (or this one) already
// delivered: organisation and account trails carry the same events. The
// new identities are written at once, in key order, so an hour let go
// and reloaded within this transaction still has them.
func (t *txn) dropDuplicateCalls(d *Delta) (int, error) {
	drop := map[int]bool{}
	fresh := make([][]int64, 0, len(d.callIDs))
	for i, id := range d.callIDs {
		set, err := t.seenHour(id.hour)
		if err != nil {
			return 0, err
		}
		if _, dup := set[id.hash]; dup {
			drop[i] = true
			continue
		}
		set[id.hash] = struct{}{}
		t.seen.size++
		fresh = append(fresh, []int64{id.hour, id.hash})
	}
	if err := t.writeRows(t.stmts.eventSeen, fresh); err != nil {
		return 0, err
	}
	if len(drop) > 0 {
		d.withoutCalls(drop)
	}
	return len(drop), nil
}

package store

// mergeDeltas folds the rows of several deltas into one delta. Raw
// references, checkpoints and bad records stay with their own delta. A
// single delta is returned as it is.
func mergeDeltas(deltas []*Delta) *Delta {
	if len(deltas) == 1 {
		return deltas[0]
	}
	m := NewDelta(Checkpoint{})
	for _, d := range deltas {
		m.calls.merge(&d.calls)
		m.flows.merge(&d.flows)
		m.findings = append(m.findings, d.findings...)
		for k, n := range d.coverage {
			m.coverage[k] += n
		}
	}
	return m
}

func (es entitySet) merge(o entitySet) {
	for k, s := range o {
		cur := es[k]
		if cur == nil {
			c := *s
			es[k] = &c
			continue
		}
		if cur.account == "" {
			cur.account = s.account
		}
		cur.add(s.first)
		cur.add(s.last)
	}
}

func mergeSpans[K comparable](into, from map[K]*span) {
	for k, s := range from {
		cur := into[k]
		if cur == nil {
			c := *s
			into[k] = &c
			continue
		}
		cur.add(s.first)
		cur.add(s.last)
	}
}

func mergeEdges[K comparable](into, from map[K]*edgeSeen) {
	for k, e := range from {
		cur := into[k]
		if cur == nil {
			c := *e
			into[k] = &c
			continue
		}
		cur.add(e.first)
		cur.add(e.last)
		cur.count += e.count
	}
}

func (cd *callDelta) merge(o *callDelta) {
	cd.entities.merge(o.entities)
	mergeEdges(cd.edges, o.edges)
	for k, r := range o.api {
		cur := cd.api[k]
		if cur == nil {
			c := *r
			cd.api[k] = &c
			continue
		}
		cur.success += r.success
		cur.failure += r.failure
		cur.add(r.first)
		cur.add(r.last)
	}
	mergeSpans(cd.assignments, o.assignments)
	cd.trail = append(cd.trail, o.trail...)
}

func (fd *flowDelta) merge(o *flowDelta) {
	fd.records += o.records
	fd.gapRecords += o.gapRecords
	for k, r := range o.rows {
		cur := fd.rows[k]
		if cur == nil {
			c := *r
			fd.rows[k] = &c
			continue
		}
		cur.BytesIn += r.BytesIn
		cur.BytesOut += r.BytesOut
		cur.PacketsIn += r.PacketsIn
		cur.PacketsOut += r.PacketsOut
		cur.records += r.records
	}
	for k, g := range o.gaps {
		cur := fd.gaps[k]
		if cur == nil {
			c := *g
			fd.gaps[k] = &c
			continue
		}
		cur[0] += g[0]
		cur[1] += g[1]
	}
	mergeSpans(fd.assignments, o.assignments)
	mergeEdges(fd.instanceENI, o.instanceENI)
	for eni, acct := range o.enis {
		if fd.enis[eni] == "" {
			fd.enis[eni] = acct
		}
	}
}

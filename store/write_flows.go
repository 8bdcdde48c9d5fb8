package store

import "github.com/gumshoe-sec/gumshoe/graph"

func (t *txn) writeFlows(fd *flowDelta) error {
	es := entitySet{}
	for eni, account := range fd.enis {
		es.add(graph.Entity{Kind: graph.KindENI, Key: eni, Account: account}, 0)
	}
	for k := range fd.rows {
		es.add(graph.Entity{Kind: graph.KindENI, Key: k.eni, Account: fd.enis[k.eni]}, k.hour)
		es.add(graph.Entity{Kind: graph.KindIP, Key: k.row.Local.String()}, k.hour)
		es.add(graph.Entity{Kind: graph.KindIP, Key: k.row.Remote.String()}, k.hour)
	}
	for k, s := range fd.assignments {
		es.add(graph.Entity{Kind: graph.KindInstance, Key: k.instance, Account: k.account}, s.first)
		es.add(graph.Entity{Kind: graph.KindInstance, Key: k.instance, Account: k.account}, s.last)
		es.add(graph.Entity{Kind: graph.KindIP, Key: k.ip}, s.first)
	}
	for k, seen := range es {
		if seen.first == 0 { // an interface seen only in NODATA rows
			delete(es, k)
		}
	}
	ids, err := t.writeEntities(es)
	if err != nil {
		return err
	}
	if err := t.writeFlowRows(fd.rows, fd.enis, ids); err != nil {
		return err
	}
	if err := t.writeENIHours(fd.rows, ids); err != nil {
		return err
	}
	if err := t.writeGaps(fd.gaps, fd.enis); err != nil {
		return err
	}
	if err := t.writeAssignments(fd.assignments, ids); err != nil {
		return err
	}
	edge := t.stmt(t.stmts.edge)
	for ie, s := range fd.instanceENI {
		inst := lookup(ids, entityKey{graph.KindInstance, ie[0]})
		eni := lookup(ids, entityKey{graph.KindENI, ie[1]})
		if _, err := edge.Exec(inst, int(graph.RelHadENI), eni, s.first, s.last+3599, s.count); err != nil {
			return err
		}
	}
	return nil
}

// writeGaps counts NODATA and SKIPDATA rows; their interfaces may be new.
func (t *txn) writeGaps(gaps map[flowRowKey]*[2]int64, enis map[string]string) error {
	gap := t.stmt(t.stmts.gap)
	for k, n := range gaps {
		seen := &entitySeen{account: enis[k.eni], span: span{k.hour, k.hour}}
		id, err := t.entityID(entityKey{graph.KindENI, k.eni}, seen)
		if err != nil {
			return err
		}
		if _, err := gap.Exec(id, k.hour, n[0], n[1]); err != nil {
			return err
		}
	}
	return nil
}

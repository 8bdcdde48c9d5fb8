package store

import (
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// writeFindings stores each update, keeps the newest update's facts on the
// finding, and unions the involved entities over all updates.
func (t *txn) writeFindings(fs []graph.Finding) error {
	for i := range fs {
		if err := t.writeFinding(&fs[i]); err != nil {
			return err
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return t.keepLocalArchives()
}

func (t *txn) writeFinding(f *graph.Finding) error {
	first, last := findingWindow(f)
	es := entitySet{}
	self := graph.Entity{Kind: graph.KindFinding, Key: f.ID, Account: f.Account}
	es.add(self, first)
	es.add(self, last)
	for _, inv := range f.Involved {
		es.add(inv.Entity, first)
		es.add(inv.Entity, last)
	}
	for _, as := range f.Assignments {
		es.add(graph.Entity{Kind: graph.KindInstance, Key: as.Instance, Account: as.Account}, first)
		es.add(graph.Entity{Kind: graph.KindIP, Key: as.IP}, first)
		if as.ENI != "" {
			es.add(graph.Entity{Kind: graph.KindENI, Key: as.ENI, Account: as.Account}, first)
		}
	}
	ids, err := t.writeEntities(es)
	if err != nil {
		return err
	}
	fid := ids[keyOf(self)]
	_, err = t.stmt(t.stmts.finding).Exec(fid, f.ID, f.Type, f.Title, f.Description, f.Severity,
		f.Account, f.Region, f.CreatedAt.Unix(), f.UpdatedAt.Unix(), first, last, f.Count,
		boolInt(f.Archived), f.ResourceType, f.ActionType)
	if err != nil {
		return err
	}
	if _, err := t.stmt(t.stmts.findingUpdate).Exec(fid, f.UpdatedAt.Unix(), f.Raw); err != nil {
		return err
	}
	inv := t.stmt(t.stmts.findingEntity)
	for _, in := range f.Involved {
		if _, err := inv.Exec(fid, ids[keyOf(in.Entity)], string(in.Part)); err != nil {
			return err
		}
	}
	assignments := map[assignmentKey]*span{}
	for _, as := range f.Assignments {
		from, to := as.From, as.To
		if from.IsZero() {
			from, to = time.Unix(first, 0), time.Unix(last, 0)
		}
		assignments[assignmentKey{as.IP, as.Account, as.VPC, as.Instance, as.ENI}] = &span{from.Unix(), to.Unix()}
	}
	return t.writeAssignments(assignments, ids)
}

// findingWindow is when the finding's activity was observed:
// eventFirstSeen..eventLastSeen, else createdAt..updatedAt.
func findingWindow(f *graph.Finding) (first, last int64) {
	firstT, lastT := f.FirstSeen, f.LastSeen
	if firstT.IsZero() {
		firstT = f.CreatedAt
	}
	if lastT.IsZero() {
		lastT = f.UpdatedAt
	}
	if lastT.Before(firstT) {
		lastT = firstT
	}
	return firstT.Unix(), lastT.Unix()
}

func (t *txn) writeCoverage(cov map[coverageKey]int64) error {
	st := t.stmt(t.stmts.coverage)
	for k, n := range cov {
		delivery, err := t.strID(k.delivery)
		if err != nil {
			return err
		}
		if _, err := st.Exec(delivery, k.kind, k.account, k.region, k.hour, n); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) writeBad(bad []BadRecord, object int64) error {
	if len(bad) == 0 {
		return nil
	}
	st := t.stmt(t.stmts.bad)
	for _, b := range bad {
		if _, err := st.Exec(t.run, object, b.Line, b.Index, b.Reason); err != nil {
			return err
		}
	}
	_, err := t.tx.ExecContext(t.ctx, "UPDATE object SET bad = bad + ? WHERE id = ?", len(bad), object)
	return err
}

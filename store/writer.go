package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Writer commits deltas. It is used from one goroutine: the database has
// one writer, and its id caches are not shared.
type Writer struct {
	s     *Store
	run   int64
	stmts *statements
	// rollupStmts write the rollups of api_hour (rollup_write.go).
	rollupStmts *rollupStatements
	// Caches of ids already in the database. They are dropped when a
	// transaction rolls back, since ids it created are gone.
	strs     map[string]int64
	entities map[entityKey]cachedEntity
	objects  map[string]int64
	seen     seenHours
	peers    map[peerKey]bool
}

type cachedEntity struct {
	id          int64
	span        span
	haveAccount bool
}

// NewWriter starts an ingest run on a database opened for writing.
func (s *Store) NewWriter(ctx context.Context) (*Writer, error) {
	if s.wdb == nil {
		return nil, fmt.Errorf("%s: opened read-only", s.path)
	}
	stmts, err := prepareStatements(ctx, s.wdb)
	if err != nil {
		return nil, err
	}
	rollupStmts, err := prepareRollups(ctx, s.wdb)
	if err != nil {
		stmts.close()
		return nil, err
	}
	res, err := s.wdb.ExecContext(ctx, "INSERT INTO ingest_run (started) VALUES (?)", time.Now().Unix())
	if err != nil {
		stmts.close()
		rollupStmts.close()
		return nil, err
	}
	run, _ := res.LastInsertId()
	w := &Writer{s: s, run: run, stmts: stmts, rollupStmts: rollupStmts}
	w.resetCaches()
	return w, nil
}

func (w *Writer) resetCaches() {
	w.strs = map[string]int64{"": 0}
	w.entities = map[entityKey]cachedEntity{}
	w.objects = map[string]int64{}
	w.seen = seenHours{hours: map[int64]map[int64]struct{}{}, limit: seenCacheMax}
	w.peers = map[peerKey]bool{}
}

// Run is the id of this writer's ingest run.
func (w *Writer) Run() int64 { return w.run }

// Finish records the run's summary and releases the statements.
func (w *Writer) Finish(ctx context.Context, summary string) error {
	_, err := w.s.wdb.ExecContext(ctx, "UPDATE ingest_run SET finished = ?, summary = ? WHERE id = ?",
		time.Now().Unix(), summary, w.run)
	w.stmts.close()
	w.rollupStmts.close()
	return err
}

// CommitResult says what a committed delta added.
type CommitResult struct {
	Calls, Duplicates, Flows, FlowGaps, Findings int
}

// Commit writes deltas and their objects' checkpoints in one transaction
// (BEGIN IMMEDIATE), so a crash leaves all of them or none. Committing
// several deltas at once costs far less than one transaction each: every
// commit rewrites the pages it dirtied.
func (w *Writer) Commit(ctx context.Context, deltas ...*Delta) (res []CommitResult, err error) {
	tx, err := w.s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			w.resetCaches()
			// A cancelled run reports the cancellation, not what the
			// driver said of the transaction it abandoned.
			if ctx.Err() != nil {
				err = ctx.Err()
			}
		}
	}()
	t := &txn{Writer: w, tx: tx, ctx: ctx}
	objects := make([]int64, len(deltas))
	for i, d := range deltas {
		r, object, err := t.applyObject(d)
		if err != nil {
			return nil, err
		}
		res, objects[i] = append(res, r), object
	}
	// The deltas' rows fold together before they are written: the same
	// principal-hour or interface-hour arrives in many objects, and an
	// upsert costs far more than adding in memory.
	if err := t.applyRows(mergeDeltas(deltas)); err != nil {
		return nil, err
	}
	for i, d := range deltas {
		if err := t.writeRaw(d.calls.raw, objects[i]); err != nil {
			return nil, err
		}
	}
	if err := t.writeBounds(); err != nil {
		return nil, err
	}
	return res, tx.Commit()
}

// txn is one commit in progress.
type txn struct {
	*Writer
	tx  *sql.Tx
	ctx context.Context
	// bounds is the span of everything this commit saw.
	bounds span
}

// writeBounds extends the graph's first and last event times; the last
// is the graph's "now".
func (t *txn) writeBounds() error {
	if t.bounds.last == 0 {
		return nil
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO meta (key, value) VALUES ('first_event', ?), ('last_event', ?)
		ON CONFLICT (key) DO UPDATE SET value = CASE key WHEN 'first_event' THEN min(value, excluded.value)
			ELSE max(value, excluded.value) END`, t.bounds.first, t.bounds.last)
	return err
}

func (t *txn) stmt(s *sql.Stmt) *sql.Stmt { return t.tx.StmtContext(t.ctx, s) }

// applyObject writes what belongs to one object: its checkpoint, the
// identities of its events (dropping those already counted) and its bad
// records. It returns the object's id for its raw references, which are
// written once their principals are.
func (t *txn) applyObject(d *Delta) (CommitResult, int64, error) {
	var res CommitResult
	object, err := t.checkpoint(&d.Object)
	if err != nil {
		return res, 0, err
	}
	if res.Duplicates, err = t.dropDuplicateCalls(d); err != nil {
		return res, 0, err
	}
	d.Finish()
	res.Calls = len(d.callRecords) - res.Duplicates
	res.Flows = d.flows.records
	res.FlowGaps = d.flows.gapRecords
	res.Findings = len(d.findings)
	return res, object, t.writeBad(d.Bad, object)
}

// applyRows writes the aggregates of (merged) deltas.
func (t *txn) applyRows(d *Delta) error {
	steps := []func() error{
		func() error { return t.writeCalls(&d.calls) },
		func() error { return t.writeFlows(&d.flows) },
		func() error { return t.writeFindings(d.findings) },
		func() error { return t.writeCoverage(d.coverage) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// checkpoint upserts the object's row and returns its id.
func (t *txn) checkpoint(cp *Checkpoint) (int64, error) {
	var id int64
	fp := cp.Fingerprint
	if fp == nil {
		fp = []byte{}
	}
	err := t.stmt(t.stmts.object).QueryRow(cp.URI, cp.Format, cp.Size, cp.ModTime, fp, cp.Records, boolInt(cp.Complete), time.Now().Unix()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", cp.URI, err)
	}
	t.objects[cp.URI] = id
	return id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

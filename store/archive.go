package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrNoFinding is returned when an archive names a finding the graph
// does not hold.
var ErrNoFinding = errors.New("no such finding")

// ArchiveState is what the console needs to archive or unarchive a
// finding: its state now, whether that state is a local mark, and the
// detectors the GuardDuty API gave it through.
type ArchiveState struct {
	Finding  string
	Archived bool
	// Local is set when Archived is the console's own mark.
	Local   bool
	Origins []FindingOrigin
}

// FindingArchiveState reads a finding's archive state.
func (s *Store) FindingArchiveState(ctx context.Context, id string) (ArchiveState, error) {
	st := ArchiveState{Finding: id}
	var archived int
	var local sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT f.archived, a.local FROM finding f
		LEFT JOIN finding_archive a ON a.finding = f.id WHERE f.id = ?`, id).Scan(&archived, &local)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("%w: %s", ErrNoFinding, id)
	}
	if err != nil {
		return st, err
	}
	st.Archived, st.Local = archived == 1, local.Int64 == 1
	st.Origins, err = s.FindingOrigins(ctx, id)
	return st, err
}

// SetArchivedLocally marks a finding archived or not in this graph only;
// GuardDuty is not told. The mark outlives later updates of the finding.
func (s *Store) SetArchivedLocally(ctx context.Context, id string, archived bool) error {
	return s.setArchived(ctx, id, archived, true)
}

// RecordGuardDutyArchive records that GuardDuty archived (or unarchived)
// a finding at the console's request, dropping any local mark: GuardDuty
// holds the state now.
func (s *Store) RecordGuardDutyArchive(ctx context.Context, id string, archived bool) error {
	return s.setArchived(ctx, id, archived, false)
}

func (s *Store) setArchived(ctx context.Context, id string, archived, local bool) error {
	return s.shortWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE finding SET archived = ? WHERE id = ?`, boolInt(archived), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s", ErrNoFinding, id)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO finding_archive (finding, archived, local, at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET archived = excluded.archived, local = excluded.local, at = excluded.at`,
			id, boolInt(archived), boolInt(local), time.Now().Unix())
		return err
	})
}

// localArchives lists the findings the console archived locally.
func (s *Store) localArchives(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT finding FROM finding_archive WHERE local = 1 AND archived = 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// keepLocalArchives puts the console's local archive marks back on
// findings an ingest commit just rewrote with GuardDuty's state.
func (t *txn) keepLocalArchives() error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE finding SET archived =
			(SELECT a.archived FROM finding_archive a WHERE a.finding = finding.id)
		WHERE id IN (SELECT finding FROM finding_archive WHERE local = 1)`)
	return err
}

// archiveWriteTimeout bounds how long a console write waits for the
// ingest writer's transaction to end.
const archiveWriteTimeout = 60 * time.Second

// shortWrite runs fn in one short write transaction. A store opened for
// writing uses its writer connection, which waits for the ingest goroutine
// between its commits; a read-only store (the console with no ingest)
// opens a connection for the one transaction, which waits out another
// process's commit through SQLite's busy timeout (WAL keeps readers going
// meanwhile).
func (s *Store) shortWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	ctx, cancel := context.WithTimeout(ctx, archiveWriteTimeout)
	defer cancel()
	db := s.wdb
	if db == nil {
		var err error
		if db, err = sql.Open("sqlite3", dsn(s.path, "_txlock=immediate")); err != nil {
			return err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return s.WriteError(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.WriteError(err)
	}
	return s.WriteError(tx.Commit())
}

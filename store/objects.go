package store

import (
	"context"
	"database/sql"
	"errors"
)

// ObjectCheckpoint returns what the database holds of an object, and
// false when it has never been read.
func (s *Store) ObjectCheckpoint(ctx context.Context, uri string) (Checkpoint, bool, error) {
	cp := Checkpoint{URI: uri}
	var complete int
	err := s.db.QueryRowContext(ctx, `SELECT format, size, mod_time, fingerprint, records, complete
		FROM object WHERE uri = ?`, uri).Scan(&cp.Format, &cp.Size, &cp.ModTime, &cp.Fingerprint, &cp.Records, &complete)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, false, nil
	}
	cp.Complete = complete == 1
	return cp, err == nil, err
}

// Problem is a bad record reported by an ingest run.
type Problem struct {
	Run    int64  `json:"run"`
	Object string `json:"object"`
	Line   int64  `json:"line,omitempty"`
	Index  int64  `json:"record"`
	Reason string `json:"reason"`
}

// Problems lists bad records, newest run first, at most limit.
func (s *Store) Problems(ctx context.Context, limit int) ([]Problem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.run, o.uri, b.line, b.idx, b.reason
		FROM bad_record b JOIN object o ON o.id = b.object ORDER BY b.run DESC, b.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.Run, &p.Object, &p.Line, &p.Index, &p.Reason); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

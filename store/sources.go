package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SourceUpdate is what the ingester learned of one source since it last
// wrote: the end of a poll, objects the source delivered, the newest hour
// of their data.
type SourceUpdate struct {
	// Source is the source's name as the ingester shows it.
	Source string
	// Poll, when set, records a poll's listing.
	Poll *SourcePoll
	// Objects are URIs of objects read (in whole or in part) from the
	// source; they must already be committed.
	Objects []string
	// NewestHour is the start of the newest hour the delivered records
	// fall in; zero when they said nothing new.
	NewestHour int64
}

// SourcePoll is one listing of a source.
type SourcePoll struct {
	At     time.Time
	Listed int
	// Err is what the listing reported, empty when it succeeded.
	Err string
}

// UpdateSources writes what the ingester learned of its sources, in one
// transaction. Only the writer calls it, from the goroutine that commits.
func (s *Store) UpdateSources(ctx context.Context, updates []SourceUpdate) error {
	if s.wdb == nil {
		return fmt.Errorf("%s: opened read-only", s.path)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, u := range updates {
		if err := updateSource(ctx, tx, u); err != nil {
			return fmt.Errorf("source state of %s: %w", u.Source, s.WriteError(err))
		}
	}
	return s.WriteError(tx.Commit())
}

func updateSource(ctx context.Context, tx *sql.Tx, u SourceUpdate) error {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO source_state (name) VALUES (?)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, u.Source).Scan(&id)
	if err != nil {
		return err
	}
	if p := u.Poll; p != nil {
		at := p.At.Unix()
		if _, err := tx.ExecContext(ctx, `UPDATE source_state SET
			first_poll = CASE first_poll WHEN 0 THEN ?1 ELSE first_poll END,
			last_poll = ?1, objects_listed = ?2,
			last_success = CASE ?3 WHEN '' THEN ?1 ELSE last_success END,
			last_error = CASE ?3 WHEN '' THEN last_error ELSE ?3 END,
			last_error_at = CASE ?3 WHEN '' THEN last_error_at ELSE ?1 END
			WHERE id = ?4`, at, p.Listed, p.Err, id); err != nil {
			return err
		}
	}
	if u.NewestHour > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE source_state SET newest_hour = max(newest_hour, ?) WHERE id = ?`,
			u.NewestHour, id); err != nil {
			return err
		}
	}
	for _, uri := range u.Objects {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO source_object (source, object)
			SELECT ?, id FROM object WHERE uri = ?`, id, uri); err != nil {
			return err
		}
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SourceState is what the graph knows of one source: what it delivered
// (from its objects' checkpoints) and how its polls went.
type SourceState struct {
	Source string `json:"source"`
	// Objects counts the objects read from the source, in whole or part;
	// Records the records read from them (good and bad), Bad the bad ones.
	Objects int64 `json:"objects_read"`
	Records int64 `json:"records"`
	Bad     int64 `json:"bad_records"`
	// LastObject is the object most recently written to the graph.
	LastObject   string    `json:"last_object,omitempty"`
	LastObjectAt time.Time `json:"last_object_at,omitzero"`
	// NewestHour is the newest hour of data the source delivered.
	NewestHour  time.Time `json:"newest_event_hour,omitzero"`
	FirstPoll   time.Time `json:"first_poll,omitzero"`
	LastPoll    time.Time `json:"last_poll,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastError is the last error a listing reported, as it was; it
	// stays after later polls succeed (compare LastErrorAt with
	// LastSuccess).
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// ObjectsListed is how many objects the last poll listed.
	ObjectsListed int64 `json:"objects_listed"`
	// LastBad is the newest bad record of the source's objects; objects
	// that could not be read at all are bad records too.
	LastBad *SourceProblem `json:"last_bad,omitempty"`
}

// SourceProblem is a bad record with when its ingest run started.
type SourceProblem struct {
	Problem
	At time.Time `json:"at,omitzero"`
}

// Sources lists the state of every source the ingester has polled, by
// name.
func (s *Store) Sources(ctx context.Context) ([]SourceState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, first_poll, last_poll, last_success, last_error,
		last_error_at, objects_listed, newest_hour FROM source_state ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var out []SourceState
	for rows.Next() {
		var id, first, last, success, errAt, newest int64
		var ss SourceState
		if err := rows.Scan(&id, &ss.Source, &first, &last, &success, &ss.LastError, &errAt, &ss.ObjectsListed, &newest); err != nil {
			rows.Close()
			return nil, err
		}
		ss.FirstPoll, ss.LastPoll, ss.LastSuccess = unixOrZero(first), unixOrZero(last), unixOrZero(success)
		ss.LastErrorAt, ss.NewestHour = unixOrZero(errAt), unixOrZero(newest)
		ids, out = append(ids, id), append(out, ss)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range ids {
		if err := s.sourceObjects(ctx, id, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sourceObjects fills in what a source's objects hold.
func (s *Store) sourceObjects(ctx context.Context, id int64, ss *SourceState) error {
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(o.records), 0), coalesce(sum(o.bad), 0)
		FROM source_object so JOIN object o ON o.id = so.object WHERE so.source = ?`, id).
		Scan(&ss.Objects, &ss.Records, &ss.Bad)
	if err != nil {
		return err
	}
	var at int64
	err = s.db.QueryRowContext(ctx, `SELECT o.uri, o.ingested_at FROM source_object so JOIN object o ON o.id = so.object
		WHERE so.source = ? ORDER BY o.ingested_at DESC, o.id DESC LIMIT 1`, id).Scan(&ss.LastObject, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		ss.LastObjectAt = unixOrZero(at)
	}
	var p SourceProblem
	var started sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT b.run, o.uri, b.line, b.idx, b.reason, r.started
		FROM source_object so JOIN bad_record b ON b.object = so.object JOIN object o ON o.id = b.object
		LEFT JOIN ingest_run r ON r.id = b.run
		WHERE so.source = ? ORDER BY b.id DESC LIMIT 1`, id).
		Scan(&p.Run, &p.Object, &p.Line, &p.Index, &p.Reason, &started)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	p.At = unixOrZero(started.Int64)
	ss.LastBad = &p
	return nil
}

func unixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

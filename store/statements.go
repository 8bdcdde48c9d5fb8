package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// statements are the writer's prepared statements.
type statements struct {
	all []*sql.Stmt

	str, strGet, edge, raw, gap, assignment *sql.Stmt
	object, bad, trail, coverage, seenLoad  *sql.Stmt
	finding, findingUpdate, findingEntity   *sql.Stmt

	// Statements that write many rows at once (see writeRows).
	entity, api, flow, peer, eventSeen batchedStmt
}

// batchedDef is a multi-row statement: an INSERT up to VALUES, its column
// count, and what follows the VALUES list.
type batchedDef struct {
	dst  *batchedStmt
	head string
	cols int
	tail string
}

func (s *statements) batchedDefs() []batchedDef {
	return []batchedDef{
		{&s.entity, `INSERT INTO entity (kind, key, name, account, first_seen, last_seen) VALUES `,
			6, ` ON CONFLICT (kind, key) DO UPDATE SET
				first_seen = min(first_seen, excluded.first_seen),
				last_seen = max(last_seen, excluded.last_seen),
				account = CASE WHEN account = '' THEN excluded.account ELSE account END
			RETURNING id, first_seen, last_seen, account != '', kind, key`},
		{&s.api, `INSERT INTO api_hour (hour, principal, account, service, api, source, access_key, user_agent, region, error, success, failure) VALUES `,
			12, ` ON CONFLICT DO UPDATE SET success = success + excluded.success, failure = failure + excluded.failure`},
		{&s.flow, `INSERT INTO flow_hour (eni, hour, local_ip, remote_ip, local_port, remote_port, protocol, direction, action,
				bytes_in, bytes_out, packets_in, packets_out, records) VALUES `,
			14, ` ON CONFLICT DO UPDATE SET bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out,
				packets_in = packets_in + excluded.packets_in, packets_out = packets_out + excluded.packets_out,
				records = records + excluded.records`},
		{&s.peer, `INSERT OR IGNORE INTO flow_peer (ip, day, eni) VALUES `, 3, ``},
		// Identities are written once the writer knows them new (seen.go):
		// a plain INSERT, so a mistake there fails instead of hiding.
		{&s.eventSeen, `INSERT INTO event_seen (hour, h) VALUES `, 2, ``},
	}
}

func prepareStatements(ctx context.Context, db *sql.DB) (*statements, error) {
	s := &statements{}
	defs := []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&s.strGet, `SELECT id FROM str WHERE s = ?`},
		{&s.str, `INSERT INTO str (s) VALUES (?) RETURNING id`},
		{&s.edge, `INSERT INTO edge (src, rel, dst, first_seen, last_seen, count) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (src, rel, dst) DO UPDATE SET
				first_seen = min(first_seen, excluded.first_seen),
				last_seen = max(last_seen, excluded.last_seen),
				count = count + excluded.count`},
		{&s.raw, `INSERT INTO raw_ref (principal, hour, object, idx) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET idx = idx || excluded.idx`},
		{&s.gap, `INSERT INTO flow_gap (eni, hour, nodata, skipdata) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET nodata = nodata + excluded.nodata, skipdata = skipdata + excluded.skipdata`},
		{&s.assignment, `INSERT INTO ip_assignment (ip, account, vpc, instance, eni, first_hour, last_hour) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET first_hour = min(first_hour, excluded.first_hour), last_hour = max(last_hour, excluded.last_hour)`},
		{&s.seenLoad, `SELECT h FROM event_seen WHERE hour = ?`},
		{&s.object, `INSERT INTO object (uri, format, size, mod_time, fingerprint, records, bad, complete, ingested_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
			ON CONFLICT (uri) DO UPDATE SET format = excluded.format, size = excluded.size, mod_time = excluded.mod_time,
				fingerprint = excluded.fingerprint, records = excluded.records, complete = excluded.complete,
				ingested_at = excluded.ingested_at
			RETURNING id`},
		{&s.bad, `INSERT INTO bad_record (run, object, line, idx, reason) VALUES (?, ?, ?, ?, ?)`},
		{&s.trail, `INSERT OR IGNORE INTO trail_event (event_id, time, account, region, trail, bucket, api, principal, failed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.coverage, `INSERT INTO coverage (delivery, kind, account, region, hour, records) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET records = records + excluded.records`},
		{&s.finding, `INSERT INTO finding (entity, id, type, title, description, severity, account, region, created_at, updated_at,
				first_seen, last_seen, count, archived, resource_type, action_type)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entity) DO UPDATE SET type = excluded.type, title = excluded.title, description = excluded.description,
				severity = excluded.severity, updated_at = excluded.updated_at, count = excluded.count,
				archived = excluded.archived, resource_type = excluded.resource_type, action_type = excluded.action_type,
				first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
			WHERE excluded.updated_at >= updated_at`},
		{&s.findingUpdate, `INSERT OR IGNORE INTO finding_update (finding, updated_at, raw) VALUES (?, ?, ?)`},
		{&s.findingEntity, `INSERT OR IGNORE INTO finding_entity (finding, entity, part) VALUES (?, ?, ?)`},
	}
	prepare := func(q string) (*sql.Stmt, error) {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q[:40], err)
		}
		s.all = append(s.all, st)
		return st, nil
	}
	var err error
	for _, d := range defs {
		if *d.dst, err = prepare(d.sql); err != nil {
			s.close()
			return nil, err
		}
	}
	for _, d := range s.batchedDefs() {
		if d.dst.many, err = prepare(d.head + valuesList(rowBatch, d.cols) + d.tail); err == nil {
			d.dst.one, err = prepare(d.head + valuesList(1, d.cols) + d.tail)
		}
		if err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *statements) close() error {
	var errs []error
	for _, st := range s.all {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

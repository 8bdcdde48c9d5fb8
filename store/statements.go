package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// eventSeenBatch is how many event identities one statement marks seen:
// one statement per event would cost more than the insert itself.
const eventSeenBatch = 200

// statements are the writer's prepared statements.
type statements struct {
	all []*sql.Stmt

	str, strGet, entity, edge, api, raw, flow, gap, assignment *sql.Stmt
	eventSeen, object, bad, trail, coverage                    *sql.Stmt
	finding, findingUpdate, findingEntity                      *sql.Stmt
}

func prepareStatements(ctx context.Context, db *sql.DB) (*statements, error) {
	s := &statements{}
	defs := []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&s.strGet, `SELECT id FROM str WHERE s = ?`},
		{&s.str, `INSERT INTO str (s) VALUES (?) RETURNING id`},
		{&s.entity, `INSERT INTO entity (kind, key, name, account, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (kind, key) DO UPDATE SET
				first_seen = min(first_seen, excluded.first_seen),
				last_seen = max(last_seen, excluded.last_seen),
				account = CASE WHEN account = '' THEN excluded.account ELSE account END
			RETURNING id, first_seen, last_seen, account != ''`},
		{&s.edge, `INSERT INTO edge (src, rel, dst, first_seen, last_seen, count) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (src, rel, dst) DO UPDATE SET
				first_seen = min(first_seen, excluded.first_seen),
				last_seen = max(last_seen, excluded.last_seen),
				count = count + excluded.count`},
		{&s.api, `INSERT INTO api_hour (hour, principal, account, service, api, source, access_key, user_agent, region, error, success, failure)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET success = success + excluded.success, failure = failure + excluded.failure`},
		{&s.raw, `INSERT INTO raw_ref (principal, hour, object, idx) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET idx = idx || excluded.idx`},
		{&s.flow, `INSERT INTO flow_hour (eni, hour, local_ip, remote_ip, local_port, remote_port, protocol, direction, action,
				bytes_in, bytes_out, packets_in, packets_out, records)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out,
				packets_in = packets_in + excluded.packets_in, packets_out = packets_out + excluded.packets_out,
				records = records + excluded.records`},
		{&s.gap, `INSERT INTO flow_gap (eni, hour, nodata, skipdata) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET nodata = nodata + excluded.nodata, skipdata = skipdata + excluded.skipdata`},
		{&s.assignment, `INSERT INTO ip_assignment (ip, account, vpc, instance, eni, first_hour, last_hour) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET first_hour = min(first_hour, excluded.first_hour), last_hour = max(last_hour, excluded.last_hour)`},
		{&s.eventSeen, `INSERT OR IGNORE INTO event_seen (hour, h) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?),", eventSeenBatch), ",") + ` RETURNING hour, h`},
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
	for _, d := range defs {
		st, err := db.PrepareContext(ctx, d.sql)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("prepare %q: %w", d.sql[:40], err)
		}
		*d.dst = st
		s.all = append(s.all, st)
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

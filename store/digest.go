package store

import (
	"context"
	"strings"
)

// digestQueries sum every aggregate table, so that a count doubled or lost
// anywhere changes the digest.
var digestQueries = []string{
	`SELECT count(*) || '/' || total(count) FROM edge`,
	`SELECT count(*) || '/' || total(success) || '/' || total(failure) FROM api_hour`,
	`SELECT count(*) || '/' || total(calls) || '/' || total(first) FROM principal_day`,
	`SELECT count(*) || '/' || total(calls) FROM account_day`,
	`SELECT count(*) || '/' || total(calls) FROM principal_hour`,
	`SELECT count(*) || '/' || total(bytes) FROM eni_hour`,
	`SELECT count(*) || '/' || total(bytes_in) || '/' || total(bytes_out) || '/' || total(records) FROM flow_hour`,
	`SELECT count(*) || '/' || total(records) FROM coverage`,
	`SELECT count(*) || '/' || total(length(idx)) FROM raw_ref`,
	`SELECT count(*) FROM ip_assignment`,
	`SELECT count(*) FROM bad_record`,
	`SELECT count(*) || '/' || total(records) || '/' || total(complete) FROM object`,
}

// Digest summarises the graph's aggregates in one line. Two ingests of the
// same sources have equal digests however they were interrupted; the crash,
// soak and disk-full checks compare them.
func (s *Store) Digest(ctx context.Context) (string, error) {
	parts := make([]string, 0, len(digestQueries))
	for _, q := range digestQueries {
		var v string
		if err := s.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
			return "", err
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " "), nil
}

package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Roles of a GuardDuty detector in the administrator/member scheme, as a
// finding's origin records them.
const (
	// RoleAdministrator is a detector with member accounts: it lists their
	// findings too, and archives them.
	RoleAdministrator = "administrator"
	// RoleMember is a detector whose account has an administrator: it may
	// read its findings but not archive them.
	RoleMember = "member"
	// RoleStandalone is a detector in neither part: it archives its own.
	RoleStandalone = "standalone"
	// RoleUnknown is a detector whose part could not be asked.
	RoleUnknown = "unknown"
)

// FindingOrigin says through which detector the GuardDuty API gave a
// finding.
type FindingOrigin struct {
	Finding  string `json:"-"`
	Region   string `json:"region"`
	Detector string `json:"detector"`
	// Account is the account of the credentials that fetched it; empty
	// when it could not be told.
	Account string `json:"account,omitempty"`
	Role    string `json:"role"`
	// Administrator is a member's administrator account.
	Administrator string    `json:"administrator,omitempty"`
	FetchedAt     time.Time `json:"fetched_at"`
}

// RecordFindingOrigins notes through which detectors findings were
// fetched. The GuardDuty source calls it from the ingest goroutine
// between commits; it writes in a short transaction of its own.
func (s *Store) RecordFindingOrigins(ctx context.Context, origins []FindingOrigin) error {
	if len(origins) == 0 {
		return nil
	}
	return s.shortWrite(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO finding_origin
			(finding, region, detector, account, role, administrator, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET account = excluded.account, role = excluded.role,
				administrator = excluded.administrator, fetched_at = excluded.fetched_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, o := range origins {
			if _, err := st.ExecContext(ctx, o.Finding, o.Region, o.Detector, o.Account, o.Role, o.Administrator, o.FetchedAt.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindingOrigins lists the detectors a finding was fetched through,
// administrators first: they are the ones that may archive it.
func (s *Store) FindingOrigins(ctx context.Context, finding string) ([]FindingOrigin, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT finding, region, detector, account, role, administrator, fetched_at
		FROM finding_origin WHERE finding = ?
		ORDER BY CASE role WHEN 'administrator' THEN 0 WHEN 'standalone' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END,
			fetched_at DESC`, finding)
	if err != nil {
		return nil, err
	}
	return scanOrigins(rows)
}

func scanOrigins(rows *sql.Rows) ([]FindingOrigin, error) {
	defer rows.Close()
	var out []FindingOrigin
	for rows.Next() {
		var o FindingOrigin
		var at int64
		if err := rows.Scan(&o.Finding, &o.Region, &o.Detector, &o.Account, &o.Role, &o.Administrator, &at); err != nil {
			return nil, err
		}
		o.FetchedAt = utc(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// NewestObjectTime is the newest modification time of the objects whose
// URI starts with prefix and that were read to the end; false when there
// is none. A source that asks an API for what changed since its last poll
// derives its watermark from it: the checkpoint commits with the records,
// so the watermark never runs ahead of what the graph holds.
func (s *Store) NewestObjectTime(ctx context.Context, prefix string) (time.Time, bool, error) {
	var newest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(mod_time) FROM object
		WHERE uri >= ? AND uri < ? AND complete = 1`, prefix, prefix+"\U0010FFFF").Scan(&newest)
	if err != nil || !newest.Valid {
		return time.Time{}, false, err
	}
	return time.Unix(0, newest.Int64).UTC(), true, nil
}

// HasFindingUpdate reports whether the graph holds the update of finding
// id made at updatedAt (updates are kept by the second).
func (s *Store) HasFindingUpdate(ctx context.Context, id string, updatedAt time.Time) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM finding f JOIN finding_update u ON u.finding = f.entity
		WHERE f.id = ? AND u.updated_at = ?`, id, updatedAt.Unix()).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// ListedFinding is a finding of `gumshoe query findings`: the list's row,
// whether the archived state is the console's own mark, and where the
// finding came from.
type ListedFinding struct {
	graph.FindingRow
	ArchivedLocally bool `json:"archived_locally,omitempty"`
	// Source is "guardduty-api" when the API gave it, else "files".
	Source  string          `json:"source"`
	Origins []FindingOrigin `json:"origins,omitempty"`
}

// FindingsWithOrigin is Findings with each finding's archive mark and
// origins.
func (s *Store) FindingsWithOrigin(ctx context.Context) ([]ListedFinding, error) {
	rows, err := s.Findings(ctx)
	if err != nil {
		return nil, err
	}
	q, err := s.db.QueryContext(ctx, `SELECT finding, region, detector, account, role, administrator, fetched_at
		FROM finding_origin ORDER BY finding, region, detector`)
	if err != nil {
		return nil, err
	}
	all, err := scanOrigins(q)
	if err != nil {
		return nil, err
	}
	origins := map[string][]FindingOrigin{}
	for _, o := range all {
		origins[o.Finding] = append(origins[o.Finding], o)
	}
	local, err := s.localArchives(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ListedFinding, len(rows))
	for i, f := range rows {
		out[i] = ListedFinding{FindingRow: f, Source: "files", Origins: origins[f.ID], ArchivedLocally: local[f.ID]}
		if len(out[i].Origins) > 0 {
			out[i].Source = "guardduty-api"
		}
	}
	return out, nil
}

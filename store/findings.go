package store

import (
	"context"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Findings lists findings by severity, then most recent activity.
func (s *Store) Findings(ctx context.Context) ([]graph.FindingRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingColumns+`, f.updated_at,
			(SELECT count(*) FROM finding_update u WHERE u.finding = f.entity)
		FROM finding f ORDER BY f.severity DESC, f.last_seen DESC, f.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.FindingRow{}
	for rows.Next() {
		var updated int64
		var n int
		f, err := scanFindingRow(rows, &updated, &n)
		if err != nil {
			return nil, err
		}
		f.UpdatedAt, f.Updates = utc(updated), n
		out = append(out, f)
	}
	return out, rows.Err()
}

func utc(unix int64) time.Time { return time.Unix(unix, 0).UTC() }

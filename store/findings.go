package store

import (
	"context"
	"time"
)

// FindingSummary is one row of the findings list.
type FindingSummary struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Title        string    `json:"title"`
	Severity     float64   `json:"severity"`
	Account      string    `json:"account"`
	Region       string    `json:"region"`
	ResourceType string    `json:"resource_type"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	UpdatedAt    time.Time `json:"updated_at"`
	Updates      int       `json:"updates"`
	Archived     bool      `json:"archived"`
}

// Findings lists findings by severity, then most recent activity.
func (s *Store) Findings(ctx context.Context) ([]FindingSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.type, f.title, f.severity, f.account, f.region,
			f.resource_type, f.first_seen, f.last_seen, f.updated_at, f.archived,
			(SELECT count(*) FROM finding_update u WHERE u.finding = f.entity)
		FROM finding f ORDER BY f.severity DESC, f.last_seen DESC, f.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FindingSummary
	for rows.Next() {
		var f FindingSummary
		var first, last, updated int64
		var archived int
		if err := rows.Scan(&f.ID, &f.Type, &f.Title, &f.Severity, &f.Account, &f.Region,
			&f.ResourceType, &first, &last, &updated, &archived, &f.Updates); err != nil {
			return nil, err
		}
		f.FirstSeen, f.LastSeen, f.UpdatedAt = utc(first), utc(last), utc(updated)
		f.Archived = archived == 1
		out = append(out, f)
	}
	return out, rows.Err()
}

func utc(unix int64) time.Time { return time.Unix(unix, 0).UTC() }

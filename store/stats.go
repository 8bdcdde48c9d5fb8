package store

import (
	"context"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Stats counts what the graph holds.
type Stats struct {
	Events   int64            `json:"events"`
	Calls    int64            `json:"api_calls"`
	Failed   int64            `json:"api_calls_failed"`
	Flows    int64            `json:"flow_records"`
	NoData   int64            `json:"flow_nodata"`
	SkipData int64            `json:"flow_skipdata"`
	Findings int64            `json:"findings"`
	Updates  int64            `json:"finding_updates"`
	Entities map[string]int64 `json:"entities"`
	Objects  int64            `json:"objects"`
	Bad      int64            `json:"bad_records"`
	// First and Last bound the data: Last is the graph's "now".
	First int64 `json:"first_event"`
	Last  int64 `json:"last_event"`
}

// Stats counts events, flow records, findings and entities by kind.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Entities: map[string]int64{}}
	q := []struct {
		sql  string
		dest []any
	}{
		{`SELECT count(*) FROM event_seen`, []any{&st.Events}},
		{`SELECT coalesce(sum(success + failure),0), coalesce(sum(failure),0) FROM api_hour`,
			[]any{&st.Calls, &st.Failed}},
		{`SELECT coalesce(min(first_seen),0), coalesce(max(last_seen),0) FROM entity`, []any{&st.First, &st.Last}},
		{`SELECT coalesce(sum(records),0) FROM flow_hour`, []any{&st.Flows}},
		{`SELECT coalesce(sum(nodata),0), coalesce(sum(skipdata),0) FROM flow_gap`, []any{&st.NoData, &st.SkipData}},
		{`SELECT count(*) FROM finding`, []any{&st.Findings}},
		{`SELECT count(*) FROM finding_update`, []any{&st.Updates}},
		{`SELECT count(*), coalesce(sum(bad),0) FROM object`, []any{&st.Objects, &st.Bad}},
	}
	for _, x := range q {
		if err := s.db.QueryRowContext(ctx, x.sql).Scan(x.dest...); err != nil {
			return st, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, count(*) FROM entity GROUP BY kind`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return st, err
		}
		st.Entities[graph.Kind(k).String()] = n
	}
	return st, rows.Err()
}

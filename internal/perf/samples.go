package perf

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Sample is an entity a benchmark queries.
type Sample struct {
	Kind graph.Kind `json:"kind"`
	Key  string     `json:"key"`
	// Busy is true for the busiest of their kind, false for the random
	// others.
	Busy bool `json:"busy"`
	// Activity is what made it busy: API calls, flow records, or both.
	Activity int64 `json:"activity"`
	// End is the end of the hour of the entity's last activity: the
	// benchmarks' scopes end there, so that every scope holds data.
	End time.Time `json:"end"`
}

// Scope is the scope of a length that ends with the sample's last hour.
func (s Sample) Scope(length time.Duration) graph.Scope {
	return graph.NewScope(s.End.Add(-length), s.End)
}

// Samples picks n entities of a kind, deterministically: the busiest
// half and, for the other half, others at random, alternating (busy,
// random, busy ...) so that a measurement that stops early on a time
// budget still has both. When cacheDir is set they are cached there:
// picking reads every aggregate row once.
func Samples(ctx context.Context, db *sql.DB, cacheDir string, kind graph.Kind, n int) ([]Sample, error) {
	path := filepath.Join(cacheDir, fmt.Sprintf("samples-v2-%s-%d.json", kind, n))
	var out []Sample
	if cacheDir != "" {
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &out) == nil {
			return out, nil
		}
	}
	out, err := pick(ctx, db, kind, n)
	if err != nil {
		return nil, err
	}
	if cacheDir != "" {
		if b, err := json.Marshal(out); err == nil {
			tmp := path + ".tmp"
			if os.WriteFile(tmp, b, 0o644) == nil {
				os.Rename(tmp, path)
			}
		}
	}
	return out, nil
}

// activity measures how busy each entity of a kind is, as lists of
// (entity id, amount), one list per measure: busy samples are taken from
// the top of each list in turn.
func activity(ctx context.Context, db *sql.DB, kind graph.Kind) ([]map[int64]int64, error) {
	sums := func(q string, args ...any) (map[int64]int64, error) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := map[int64]int64{}
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				return nil, err
			}
			m[id] += n
		}
		return m, rows.Err()
	}
	// via sums an entity's calls through an edge: a role's sessions, the
	// sessions a user started, an instance's interfaces.
	via := func(own map[int64]int64, rel graph.Relation, entityIsDst bool) (map[int64]int64, error) {
		q := `SELECT src, dst FROM edge WHERE rel = ?`
		rows, err := db.QueryContext(ctx, q, int(rel))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[int64]int64{}
		for rows.Next() {
			var src, dst int64
			if err := rows.Scan(&src, &dst); err != nil {
				return nil, err
			}
			if entityIsDst {
				out[dst] += own[src]
			} else {
				out[src] += own[dst]
			}
		}
		return out, rows.Err()
	}
	calls := func() (map[int64]int64, error) {
		return sums(`SELECT principal, sum(success + failure) FROM api_hour GROUP BY principal`)
	}
	switch kind {
	case graph.KindSession:
		m, err := calls()
		return []map[int64]int64{m}, err
	case graph.KindRole:
		m, err := calls()
		if err != nil {
			return nil, err
		}
		r, err := via(m, graph.RelAssumed, true)
		return []map[int64]int64{r}, err
	case graph.KindUser, graph.KindFederated:
		m, err := calls()
		if err != nil {
			return nil, err
		}
		started, err := via(m, graph.RelStartedBy, true)
		for id, n := range m {
			started[id] += n
		}
		return []map[int64]int64{started}, err
	case graph.KindAccessKey:
		m, err := sums(`SELECT access_key, sum(success + failure) FROM api_hour GROUP BY access_key`)
		return []map[int64]int64{m}, err
	case graph.KindIP:
		api, err := sums(`SELECT source, sum(success + failure) FROM api_hour GROUP BY source`)
		if err != nil {
			return nil, err
		}
		local, err := sums(`SELECT local_ip, sum(records) FROM flow_hour GROUP BY local_ip`)
		if err != nil {
			return nil, err
		}
		remote, err := sums(`SELECT remote_ip, sum(records) FROM flow_hour GROUP BY remote_ip`)
		return []map[int64]int64{api, local, remote}, err
	case graph.KindInstance:
		enis, err := sums(`SELECT eni, sum(records) FROM flow_hour GROUP BY eni`)
		if err != nil {
			return nil, err
		}
		m, err := via(enis, graph.RelHadENI, false)
		return []map[int64]int64{m}, err
	case graph.KindFinding:
		m, err := sums(`SELECT entity, last_seen FROM finding`)
		return []map[int64]int64{m}, err
	}
	return nil, fmt.Errorf("no activity measure for %s", kind)
}

type candidate struct {
	id   int64
	key  string
	last int64
}

func pick(ctx context.Context, db *sql.DB, kind graph.Kind, n int) ([]Sample, error) {
	measures, err := activity(ctx, db, kind)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT id, key, last_seen FROM entity WHERE kind = ? ORDER BY id`, int(kind))
	if err != nil {
		return nil, err
	}
	var all []candidate
	byID := map[int64]int{}
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.key, &c.last); err != nil {
			rows.Close()
			return nil, err
		}
		byID[c.id] = len(all)
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	total := map[int64]int64{}
	var tops [][]int64
	for _, m := range measures {
		var ids []int64
		for id, v := range m {
			if _, ok := byID[id]; ok && v > 0 {
				ids = append(ids, id)
				total[id] += v
			}
		}
		sort.Slice(ids, func(i, j int) bool {
			if m[ids[i]] != m[ids[j]] {
				return m[ids[i]] > m[ids[j]]
			}
			return ids[i] < ids[j]
		})
		tops = append(tops, ids)
	}
	chosen := map[int64]bool{}
	var out []Sample
	add := func(id int64, busy bool) {
		c := all[byID[id]]
		chosen[id] = true
		out = append(out, Sample{Kind: kind, Key: c.key, Busy: busy, Activity: total[id],
			End: time.Unix(c.last, 0).UTC().Truncate(time.Hour).Add(time.Hour)})
	}
	// The busy half, from the top of each measure in turn.
	for i := 0; len(out) < n/2; i++ {
		more := false
		for _, top := range tops {
			if i < len(top) {
				more = true
				if !chosen[top[i]] && len(out) < n/2 {
					add(top[i], true)
				}
			}
		}
		if !more {
			break
		}
	}
	busy := len(out)
	rng := rand.New(rand.NewPCG(uint64(kind), 42))
	for _, i := range rng.Perm(len(all)) {
		if len(out) >= n {
			break
		}
		if !chosen[all[i].id] {
			add(all[i].id, false)
		}
	}
	return interleave(out[:busy], out[busy:]), nil
}

func interleave(a, b []Sample) []Sample {
	out := make([]Sample, 0, len(a)+len(b))
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) {
			out = append(out, a[i])
		}
		if i < len(b) {
			out = append(out, b[i])
		}
	}
	return out
}

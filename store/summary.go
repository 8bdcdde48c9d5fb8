package store

import (
	"context"
	"database/sql"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Summary is the landing page: what stands out in a 24-hour window.
type Summary struct {
	Window       graph.Scope        `json:"window"`
	Now          time.Time          `json:"now"`
	NewLocations []NewLocation      `json:"new_geolocations"`
	GeoAvailable bool               `json:"geo_available"`
	TopRoles     []Ranked           `json:"top_roles"`
	TopUsers     []Ranked           `json:"top_users"`
	TopInstances []Ranked           `json:"top_instances"`
	Findings     []graph.FindingRow `json:"findings"`
}

// NewLocation is a place calls came from in the window that the 45 days
// before never saw.
type NewLocation struct {
	Place     string    `json:"place"`
	IP        string    `json:"ip"`
	Principal graph.Ref `json:"principal"`
	FirstSeen time.Time `json:"first_seen"`
}

// Ranked is an entity with its volume in the window and a daily series
// over the 7 days that end with the window.
type Ranked struct {
	Ref    graph.Ref `json:"entity"`
	Total  int64     `json:"total"`
	Series []int64   `json:"series_7d"`
}

// summaryTop is how many roles, users and instances a summary lists.
const summaryTop = 10

// Summary computes the summary of the 24 hours that end with end (the
// graph's now when end is zero).
func (s *Store) Summary(ctx context.Context, end time.Time) (*Summary, error) {
	return s.SummaryFor(ctx, end, AccountFilter{})
}

// SummaryFor is Summary narrowed to some accounts and Regions (instances
// by account only: flow rows have no Region).
func (s *Store) SummaryFor(ctx context.Context, end time.Time, f AccountFilter) (*Summary, error) {
	now, err := s.Now(ctx)
	if err != nil {
		return nil, err
	}
	if end.IsZero() {
		end = now
	}
	window := graph.EntityScope(end)
	sum := &Summary{Window: window, Now: now, GeoAvailable: s.geo != nil}
	week := graph.Scope{Start: window.End.Add(-7 * 24 * time.Hour), End: window.End}
	owners := []func() error{
		func() (err error) { sum.TopRoles, err = s.topPrincipals(ctx, window, week, true, f); return },
		func() (err error) { sum.TopUsers, err = s.topPrincipals(ctx, window, week, false, f); return },
	}
	if f.Empty() {
		// Without a filter the hourly rollups serve (the filter's Regions
		// are not in them).
		owners = []func() error{func() (err error) { sum.TopRoles, sum.TopUsers, err = s.topOwners(ctx, window, week); return }}
	}
	steps := append(owners, []func() error{
		func() (err error) { sum.TopInstances, err = s.topInstances(ctx, window, week, f); return },
		func() (err error) { sum.Findings, err = s.windowFindings(ctx, window, f); return },
		func() (err error) { sum.NewLocations, err = s.newLocations(ctx, window, f); return },
	}...)
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// daily spreads per-hour rows over the week's 7 days.
func daily(week graph.Scope, hour int64, n int64, series []int64) {
	day := int(utc(hour).Sub(week.Start) / (24 * time.Hour))
	if day >= 0 && day < len(series) {
		series[day] += n
	}
}

// topPrincipals ranks roles (their sessions' calls summed) or users (IAM
// and federated, with the sessions they started) by calls in the window.
func (s *Store) topPrincipals(ctx context.Context, window, week graph.Scope, roles bool, f AccountFilter) ([]Ranked, error) {
	// owner maps each calling principal to the role or user it counts for.
	owner := `SELECT e.src AS principal, e.dst AS owner FROM edge e JOIN entity o ON o.id = e.dst
		WHERE e.rel = ? AND o.kind = ?`
	args := []any{int(graph.RelAssumed), int(graph.KindRole)}
	if !roles {
		owner = `SELECT id AS principal, id AS owner FROM entity WHERE kind IN (?, ?)
			UNION ALL SELECT e.src, e.dst FROM edge e JOIN entity o ON o.id = e.dst
			WHERE e.rel = ? AND o.kind IN (?, ?)`
		args = []any{int(graph.KindUser), int(graph.KindFederated), int(graph.RelStartedBy), int(graph.KindUser), int(graph.KindFederated)}
	}
	fcond, fargs := f.apiCond("a")
	rows, err := s.db.QueryContext(ctx, `SELECT o.owner, a.hour, sum(a.success + a.failure)
		FROM api_hour a JOIN (`+owner+`) o ON o.principal = a.principal
		WHERE a.hour >= ? AND a.hour < ?`+fcond+` GROUP BY o.owner, a.hour`, append(append(args, week.Start.Unix(), week.End.Unix()), fargs...)...)
	if err != nil {
		return nil, err
	}
	return s.rank(ctx, rows, window, week)
}

// topInstances ranks instances (or interfaces not yet tied to one) by
// flow bytes. It is driven from the interfaces: one seek per interface and
// day into eni_hour's (eni, hour) key reads the week's hourly totals in
// key order, where grouping the whole of flow_hour's week by owner sorted
// every row (14 s against 0.3 s on the benchmark graph); eni_hour holds a
// fortieth of flow_hour's rows (70 ms against 0.5 s).
func (s *Store) topInstances(ctx context.Context, window, week graph.Scope, f AccountFilter) ([]Ranked, error) {
	fcond, fargs := f.flowCond("n")
	days := make([]string, 7)
	args := []any{}
	for i := range days {
		days[i] = "(?)"
		args = append(args, week.Start.Add(time.Duration(i)*24*time.Hour).Unix())
	}
	args = append(append(append(args, int(graph.KindENI)), fargs...), int(graph.RelHadENI))
	rows, err := s.db.QueryContext(ctx, `WITH days(day) AS (VALUES `+strings.Join(days, ", ")+`)
		SELECT coalesce(h.src, d.eni), d.day, d.bytes FROM
			(SELECT n.eni, days.day, (SELECT sum(f.bytes) FROM eni_hour f
				WHERE f.eni = n.eni AND f.hour >= days.day AND f.hour < days.day + 86400) AS bytes
			FROM (SELECT id AS eni FROM entity WHERE kind = ?) n, days WHERE 1`+fcond+`) d
		LEFT JOIN edge h ON h.dst = d.eni AND h.rel = ?
		WHERE d.bytes IS NOT NULL`, args...)
	if err != nil {
		return nil, err
	}
	// Each row is a day (its first hour): rank spreads rows over the
	// week's days and the window is the week's last day.
	return s.rank(ctx, rows, window, week)
}

// rank reads (entity, hour, amount) rows into the top entities of the window.
func (s *Store) rank(ctx context.Context, rows *sql.Rows, window, week graph.Scope) ([]Ranked, error) {
	set := rankSet{}
	for rows.Next() {
		var id, hour, n int64
		if err := rows.Scan(&id, &hour, &n); err != nil {
			rows.Close()
			return nil, err
		}
		set.add(window, week, id, hour, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.top(ctx, set)
}

// rankSet is entities' volumes by id.
type rankSet map[int64]*Ranked

func (set rankSet) add(window, week graph.Scope, id, hour, n int64) {
	r := set[id]
	if r == nil {
		r = &Ranked{Series: make([]int64, 7)}
		set[id] = r
	}
	daily(week, hour, n, r.Series)
	if window.Contains(utc(hour)) {
		r.Total += n
	}
}

// top are the busiest entities of the window, named.
func (s *Store) top(ctx context.Context, byID rankSet) ([]Ranked, error) {
	ids := make([]int64, 0, len(byID))
	for id, r := range byID {
		if r.Total > 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if byID[ids[i]].Total != byID[ids[j]].Total {
			return byID[ids[i]].Total > byID[ids[j]].Total
		}
		return ids[i] < ids[j]
	})
	out := []Ranked{}
	for _, id := range ids[:min(len(ids), summaryTop)] {
		e, err := s.entityByID(ctx, id)
		if err != nil {
			return nil, err
		}
		r := byID[id]
		r.Ref = e.ref()
		out = append(out, *r)
	}
	return out, nil
}

// windowFindings lists findings active in the window, most severe first.
func (s *Store) windowFindings(ctx context.Context, window graph.Scope, f AccountFilter) ([]graph.FindingRow, error) {
	start, end := inScope(window)
	fcond, fargs := f.textCond("f.account", "f.region")
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingColumns+` FROM finding f
		WHERE f.last_seen >= ? AND f.first_seen < ?`+fcond+` ORDER BY f.severity DESC, f.last_seen DESC LIMIT 50`, append([]any{start, end}, fargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.FindingRow{}
	for rows.Next() {
		f, err := scanFindingRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// newLocations are places that calls in the window came from and that no
// call in the 45 days before came from.
func (s *Store) newLocations(ctx context.Context, window graph.Scope, f AccountFilter) ([]NewLocation, error) {
	out := []NewLocation{}
	if s.geo == nil {
		return out, nil
	}
	base := window.Baseline()
	known := map[string]bool{}
	fcond, fargs := f.apiCond("a")
	baseIPs, err := s.ipSources(ctx, base.Start.Unix(), base.End.Unix(), "1"+fcond, fargs)
	if err != nil {
		return nil, err
	}
	for _, ip := range baseIPs {
		if p, ok := s.locate(ip); ok {
			known[p.Label] = true
		}
	}
	// Only the window's addresses in places the baseline lacks need their
	// rows read: a seek per address finds them (ipSources), where reading
	// and locating every row of the window cost 40 ms on the benchmark graph.
	windowIPs, err := s.ipSources(ctx, window.Start.Unix(), window.End.Unix(), "1"+fcond, fargs)
	if err != nil {
		return nil, err
	}
	var fresh []string
	for _, ip := range windowIPs {
		if p, ok := s.locate(ip); ok && p.Label != "" && !known[p.Label] {
			fresh = append(fresh, ip)
		}
	}
	if len(fresh) == 0 {
		return out, nil
	}
	in, freshArgs := placeholders(fresh)
	rows, err := s.db.QueryContext(ctx, `SELECT src.key, p.kind, p.key, p.account, min(a.hour) FROM api_hour a
		JOIN entity src ON src.id = a.source JOIN entity p ON p.id = a.principal
		WHERE a.source IN (SELECT id FROM entity WHERE kind = ? AND key IN (`+in+`)) AND a.hour >= ? AND a.hour < ?`+fcond+`
		GROUP BY a.source, a.principal ORDER BY min(a.hour), a.source, a.principal`,
		append(append(append([]any{int(graph.KindIP)}, freshArgs...), window.Start.Unix(), window.End.Unix()), fargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l NewLocation
		var kind int
		var first int64
		if err := rows.Scan(&l.IP, &kind, &l.Principal.Key, &l.Principal.Account, &first); err != nil {
			return nil, err
		}
		a, err := netip.ParseAddr(l.IP)
		if err != nil {
			continue
		}
		p, ok := s.geo.Locate(a)
		if !ok || p.Label == "" || known[p.Label] {
			continue
		}
		l.Principal.Kind, l.Place, l.FirstSeen = graph.Kind(kind).String(), p.Label, utc(first)
		out = append(out, l)
	}
	return out, rows.Err()
}

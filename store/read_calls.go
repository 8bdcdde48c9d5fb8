package store

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// callFilter is the SQL condition on api_hour (aliased a) that selects an
// entity's calls, narrowed by the profile's account filter.
func (pc *profileContext) callFilter() (string, []any) {
	cond, args := pc.entityCalls()
	fcond, fargs := pc.filter.apiCond("a")
	return cond + fcond, append(args, fargs...)
}

// entityCalls is the SQL condition on api_hour (aliased a) that selects an
// entity's calls: made by it, from it (an IP), signed with it (a key) ...
func (pc *profileContext) entityCalls() (string, []any) {
	id := pc.e.id
	switch pc.e.kind {
	case graph.KindRole:
		return `a.principal IN (SELECT src FROM edge WHERE dst = ? AND rel = ?)`, []any{id, int(graph.RelAssumed)}
	case graph.KindFederated, graph.KindUser:
		// A person's activity includes the role sessions they started. One
		// list of principals, each session's kind checked by its id, keeps
		// the plan on the principal index without reading every session
		// id of the graph first.
		return `a.principal IN (SELECT ? UNION ALL SELECT e.src FROM edge e JOIN entity s ON s.id = e.src
			WHERE e.dst = ? AND e.rel = ? AND s.kind = ?)`, []any{id, id, int(graph.RelStartedBy), int(graph.KindSession)}
	case graph.KindIP:
		return `a.source = ?`, []any{id}
	case graph.KindAccessKey:
		return `a.access_key = ?`, []any{id}
	case graph.KindUserAgent:
		return `a.user_agent = ?`, []any{id}
	case graph.KindAccount:
		return `a.account = ?`, []any{id}
	}
	return `a.principal = ?`, []any{id}
}

// chartWindow is the range a volume chart shows around the scope, and its
// interval: hours for scopes up to three days, else days. The chart ends
// where the data ends ("now"), or with the scope if that is later.
func chartWindow(sc graph.Scope, now time.Time) (start, end time.Time, step time.Duration, name string) {
	step, name = time.Hour, "hour"
	if sc.Length() > 72*time.Hour {
		step, name = 24*time.Hour, "day"
	}
	start = sc.Start.Add(-max(2*sc.Length(), 48*step)).Truncate(step)
	end = sc.End.Add(max(sc.Length(), 24*step))
	if limit := now.Truncate(time.Hour).Add(time.Hour); end.After(limit) {
		end = later(limit, sc.End)
	}
	return start, end, step, name
}

// volume fills a chart from per-hour sums of two measures.
func (pc *profileContext) volume(ctx context.Context, q string, args []any, seriesA, seriesB string) (*graph.Volume, error) {
	start, end, step, name := chartWindow(pc.scope, pc.now)
	v := &graph.Volume{SeriesA: seriesA, SeriesB: seriesB, Interval: name, Scope: pc.scope}
	buckets := map[int64]int{} // interval start -> index in Points
	for t := start; t.Before(end); t = t.Add(step) {
		overlaps := t.Before(pc.scope.End) && t.Add(step).After(pc.scope.Start)
		v.Points = append(v.Points, graph.VolumePoint{Start: t, InScope: overlaps})
		buckets[t.Unix()] = len(v.Points) - 1
	}
	base := pc.scope.Baseline()
	rows, err := pc.s.db.QueryContext(ctx, q, append(args, earlier(start, base.Start).Unix(), end.Unix())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var baseA, baseB int64
	for rows.Next() {
		var hour, a, b int64
		if err := rows.Scan(&hour, &a, &b); err != nil {
			return nil, err
		}
		t := utc(hour)
		if base.Contains(t) {
			baseA += a
			baseB += b
		}
		if i, ok := buckets[t.Truncate(step).Unix()]; ok {
			v.Points[i].A += a
			v.Points[i].B += b
		}
	}
	// The baseline averages over the intervals the entity existed in.
	from := base.Start
	if first := pc.e.firstSeen.Truncate(time.Hour); first.After(from) {
		from = first
	}
	if n := base.End.Sub(from) / step; n > 0 {
		v.BaselineA = float64(baseA) / float64(n)
		v.BaselineB = float64(baseB) / float64(n)
	}
	return v, rows.Err()
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (pc *profileContext) apiVolume(ctx context.Context) (*graph.Volume, error) {
	cond, args := pc.callFilter()
	return pc.volume(ctx, `SELECT a.hour, sum(a.success), sum(a.failure) FROM api_hour a
		WHERE `+cond+` AND a.hour >= ? AND a.hour < ? GROUP BY a.hour`, args, "success", "failure")
}

// CallQuery shapes "details for scope time" of API calls: the grouping, the
// drill-down (rows of one IP, API or key) and the filters.
type CallQuery struct {
	// GroupBy is ip, api, key or caller (default api).
	GroupBy string
	// Drill-down: keep only calls from this IP, to this API ("service:Name"
	// or "Name") or with this key.
	IP, API, AccessKey string
	// Filter keeps rows whose IP is in the CIDR ("public", "private" or a
	// prefix) and whose text contains Text (case-insensitive).
	CIDR string
	Text string
}

func (pc *profileContext) callDetails(ctx context.Context, q CallQuery) (*graph.CallDetails, error) {
	cond, args := pc.callFilter()
	start, end := inScope(pc.scope)
	where := cond + ` AND a.hour >= ? AND a.hour < ?`
	args = append(args, start, end)
	if q.IP != "" {
		where += ` AND src.key = ?`
		args = append(args, q.IP)
	}
	if q.API != "" {
		service, api, ok := strings.Cut(q.API, ":")
		if !ok {
			api, service = q.API, ""
		}
		where += ` AND sapi.s = ?`
		args = append(args, api)
		if service != "" {
			where += ` AND ssvc.s = ?`
			args = append(args, service)
		}
	}
	if q.AccessKey != "" {
		where += ` AND k.key = ?`
		args = append(args, q.AccessKey)
	}
	group := map[string]string{"ip": "src.key", "api": "ssvc.s, sapi.s", "key": "k.key", "caller": "p.id"}[q.GroupBy]
	if group == "" {
		q.GroupBy, group = "api", "ssvc.s, sapi.s"
	}
	rows, err := pc.s.db.QueryContext(ctx, `SELECT coalesce(src.key, ''), ssvc.s, sapi.s, coalesce(k.key, ''),
			p.kind, p.key, p.account, sum(a.success), sum(a.failure)
		FROM api_hour a
		JOIN entity p ON p.id = a.principal
		LEFT JOIN entity src ON src.id = a.source
		LEFT JOIN entity k ON k.id = a.access_key
		JOIN str ssvc ON ssvc.id = a.service
		JOIN str sapi ON sapi.id = a.api
		WHERE `+where+` GROUP BY `+group, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d := &graph.CallDetails{GroupBy: q.GroupBy, Rows: []graph.CallRow{}}
	for rows.Next() {
		var r graph.CallRow
		var kind int
		var caller graph.Ref
		if err := rows.Scan(&r.IP, &r.Service, &r.API, &r.AccessKey, &kind, &caller.Key, &caller.Account,
			&r.Success, &r.Failure); err != nil {
			return nil, err
		}
		caller.Kind = graph.Kind(kind).String()
		r.Caller = &caller
		keepGroupColumns(&r, q.GroupBy)
		d.Total++
		if q.matches(r) {
			d.Rows = append(d.Rows, r)
		}
	}
	sort.SliceStable(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i], d.Rows[j]
		return a.Success+a.Failure > b.Success+b.Failure
	})
	return d, rows.Err()
}

// keepGroupColumns clears the labels a grouping summed over.
func keepGroupColumns(r *graph.CallRow, by string) {
	switch by {
	case "ip":
		r.Service, r.API, r.AccessKey, r.Caller = "", "", "", nil
	case "api":
		r.IP, r.AccessKey, r.Caller = "", "", nil
	case "key":
		r.IP, r.Service, r.API, r.Caller = "", "", "", nil
	case "caller":
		r.IP, r.Service, r.API, r.AccessKey = "", "", "", ""
	}
}

func (q CallQuery) matches(r graph.CallRow) bool {
	if q.CIDR != "" && r.IP != "" {
		addr, err := netip.ParseAddr(r.IP)
		if err != nil || !matchCIDR(q.CIDR, addr) {
			return false
		}
	}
	if q.Text != "" {
		hay := strings.ToLower(strings.Join([]string{r.IP, r.Service, r.API, r.AccessKey}, " "))
		if r.Caller != nil {
			hay += " " + strings.ToLower(r.Caller.Key)
		}
		if !strings.Contains(hay, strings.ToLower(q.Text)) {
			return false
		}
	}
	return true
}

// matchCIDR tests an address against "public", "private" or a prefix; a
// bare address is a /32 (or /128).
func matchCIDR(spec string, a netip.Addr) bool {
	switch strings.ToLower(spec) {
	case "public":
		return !graph.IsPrivate(a)
	case "private":
		return graph.IsPrivate(a)
	}
	if p, err := netip.ParsePrefix(spec); err == nil {
		return p.Contains(a)
	}
	if b, err := netip.ParseAddr(spec); err == nil {
		return a == b
	}
	return false
}

// ParseCIDR checks a CIDR filter before it is used.
func ParseCIDR(spec string) error {
	switch strings.ToLower(spec) {
	case "public", "private", "":
		return nil
	}
	if _, err := netip.ParsePrefix(spec); err == nil {
		return nil
	}
	if _, err := netip.ParseAddr(spec); err == nil {
		return nil
	}
	return fmt.Errorf("%q is not public, private, an address or a CIDR prefix", spec)
}

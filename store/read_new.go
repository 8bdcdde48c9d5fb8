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

// usage is how often something was seen in a window, and first when.
type usage struct {
	count int64
	first time.Time
}

// windows is one label's usage in the scope and in the baseline.
type windows struct{ scope, baseline map[string]usage }

func newWindows() windows { return windows{scope: map[string]usage{}, baseline: map[string]usage{}} }

func (w windows) add(inScope bool, label string, u usage) {
	if label == "" {
		return
	}
	if inScope {
		merge(w.scope, label, u)
	} else {
		merge(w.baseline, label, u)
	}
}

// callLabels reads the entity's calls in the scope and in the baseline,
// grouped by the ids of what new behavior compares; only the few distinct
// groups are then joined to their names. The whole days of each window
// come from the per-principal rollups (a tenth of the hourly rows of a
// busy role's baseline), the partial days at their edges from api_hour.
func (pc *profileContext) callLabels(ctx context.Context, cond string, args []any, dataStart int64) (api, ips, agents windows, err error) {
	api, ips, agents = newWindows(), newWindows(), newWindows()
	base := pc.scope.Baseline()
	principals, pargs, daily := pc.rollupPrincipals()
	spans := []struct {
		from, to int64
		inScope  bool
	}{{base.Start.Unix(), pc.scope.Start.Unix(), false}, {pc.scope.Start.Unix(), pc.scope.End.Unix(), true}}
	for _, sp := range spans {
		sink := labelSink{api: api, ips: ips, agents: agents, inScope: sp.inScope}
		pieces := []piece{{from: sp.from, to: sp.to}}
		if daily {
			pieces = splitDays(sp.from, sp.to, dataStart)
		}
		for _, p := range pieces {
			if p.days {
				err = pc.dailyLabels(ctx, principals, pargs, p, sink)
			} else {
				err = pc.hourlyLabels(ctx, cond, args, p, sink)
			}
			if err != nil {
				return api, ips, agents, err
			}
		}
	}
	return api, ips, agents, nil
}

// increaseFactor is how much busier than its baseline an API call must be
// in the scope to be reported, and minIncrease how many calls at least.
const (
	increaseFactor = 3.0
	minIncrease    = 10
)

func (pc *profileContext) newBehavior(ctx context.Context) (*graph.NewBehavior, error) {
	dataStart, err := pc.s.dataStart(ctx)
	if err != nil {
		return nil, err
	}
	return pc.newBehaviorFrom(ctx, dataStart)
}

// newBehaviorFrom reads the whole days from rollupsFrom on from the
// rollups and everything before hour by hour: from the graph's start, the
// rollups serve every whole day (a test passes a time after all data to
// read only hourly rows, and compares).
func (pc *profileContext) newBehaviorFrom(ctx context.Context, rollupsFrom int64) (*graph.NewBehavior, error) {
	nb := &graph.NewBehavior{GeoAvailable: pc.s.geo != nil, Geolocations: []graph.NewItem{},
		KnownLocations: []graph.NewItem{}, APICalls: []graph.NewItem{}, IncreasedCalls: []graph.NewItem{},
		ASOs: []graph.NewItem{}, UserAgents: []graph.NewItem{}}
	var err error
	if nb.AccountSince, err = pc.dataSince(ctx); err != nil {
		return nil, err
	}
	base := pc.scope.Baseline()
	nb.Training = nb.AccountSince.IsZero() || pc.scope.Start.Sub(nb.AccountSince) < graph.TrainingLength
	nb.NewEntity = !nb.Training && !pc.e.firstSeen.Before(pc.scope.Start)
	cond, args := pc.callFilter()
	api, ips, agents, err := pc.callLabels(ctx, cond, args, rollupsFrom)
	if err != nil {
		return nil, err
	}
	scopePlaces, scopeASOs, where := pc.group(ips.scope)
	basePlaces, baseASOs, baseWhere := pc.group(ips.baseline)
	for label, u := range basePlaces {
		p := baseWhere[label]
		nb.KnownLocations = append(nb.KnownLocations, graph.NewItem{Value: label, FirstSeen: u.first, Calls: u.count, Lat: p.Lat, Lon: p.Lon})
	}
	sortItems(nb.KnownLocations)
	if nb.Training {
		// Nothing is new while the baseline is too short to know normal.
		return nb, nil
	}
	acct := pc.accountBaseline(base, rollupsFrom)
	seenAPIs, err := acct.apis(ctx, unseen(api))
	if err != nil {
		return nil, err
	}
	seenAgents, err := acct.agents(ctx, unseen(agents))
	if err != nil {
		return nil, err
	}
	acctPlaces, acctASOs := map[string]usage{}, map[string]usage{}
	if anyUnseen(scopePlaces, basePlaces) || anyUnseen(scopeASOs, baseASOs) {
		acctIPs, err := acct.ips(ctx)
		if err != nil {
			return nil, err
		}
		acctPlaces, acctASOs, _ = pc.group(acctIPs)
	}
	nb.Geolocations = newItems(scopePlaces, basePlaces, acctPlaces)
	for i := range nb.Geolocations {
		p := where[nb.Geolocations[i].Value]
		nb.Geolocations[i].Lat, nb.Geolocations[i].Lon = p.Lat, p.Lon
	}
	nb.ASOs = newItems(scopeASOs, baseASOs, acctASOs)
	nb.APICalls = newItems(api.scope, api.baseline, seenAPIs)
	nb.UserAgents = newItems(agents.scope, agents.baseline, seenAgents)
	nb.IncreasedCalls = increased(api.scope, api.baseline, pc.scope, base, pc.e.firstSeen)
	return nb, nil
}

// unseen are the labels of the scope that the baseline lacks.
func unseen(w windows) []string {
	var out []string
	for k := range w.scope {
		if _, ok := w.baseline[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func anyUnseen(scope, baseline map[string]usage) bool {
	for k := range scope {
		if _, ok := baseline[k]; !ok {
			return true
		}
	}
	return false
}

// accountWindow asks what the entity's account (the whole graph, for an
// entity without one) saw in the baseline. It is asked only about what is
// new for the entity: for the baseline's whole days one seek per item in
// account_day, for its partial days the hourly rows of those hours.
type accountWindow struct {
	pc       *profileContext
	cond     string
	args     []any
	from, to int64
	// pieces are the window's whole days, asked of account_day, and its
	// partial days, asked of api_hour.
	pieces []piece
}

func (pc *profileContext) accountBaseline(base graph.Scope, dataStart int64) accountWindow {
	w := accountWindow{pc: pc, cond: `1`, from: base.Start.Unix(), to: base.End.Unix()}
	w.pieces = splitDays(w.from, w.to, dataStart)
	if pc.e.account != "" {
		w.cond, w.args = `a.account = (SELECT id FROM entity WHERE kind = 1 AND key = ?)`, []any{pc.e.account}
	}
	return w
}

// apis reports which of the "service:API" labels the account called.
func (w accountWindow) apis(ctx context.Context, labels []string) (map[string]usage, error) {
	return w.each(ctx, labels, w.dailyAPI, w.hourlyAPIs)
}

// agents reports which user agents the account used.
func (w accountWindow) agents(ctx context.Context, labels []string) (map[string]usage, error) {
	return w.each(ctx, labels, w.dailyAgent, w.hourlyAgents)
}

// each asks the window's pieces which labels the account saw: whole days
// a seek per label in account_day, partial days the hourly rows, each
// piece only about the labels the pieces before did not find.
func (w accountWindow) each(ctx context.Context, labels []string,
	daily func(context.Context, int64, string, piece) (bool, error),
	hourly func(context.Context, []string, piece) (map[string]usage, error)) (map[string]usage, error) {
	seen := map[string]usage{}
	account, ok, err := w.accountID(ctx)
	if err != nil || !ok {
		return seen, err
	}
	for _, p := range w.pieces {
		var left []string
		for _, l := range labels {
			if _, ok := seen[l]; !ok {
				left = append(left, l)
			}
		}
		if len(left) == 0 {
			break
		}
		if !p.days {
			found, err := hourly(ctx, left, p)
			if err != nil {
				return nil, err
			}
			for l := range found {
				seen[l] = usage{}
			}
			continue
		}
		for _, l := range left {
			found, err := daily(ctx, account, l, p)
			if err != nil {
				return nil, err
			}
			if found {
				seen[l] = usage{}
			}
		}
	}
	return seen, nil
}

// hourlyAPIs reports which of the "service:API" labels the account called
// in the hours of p.
func (w accountWindow) hourlyAPIs(ctx context.Context, labels []string, p piece) (map[string]usage, error) {
	seen := map[string]usage{}
	if len(labels) == 0 {
		return seen, nil
	}
	want, names := map[string]bool{}, []string{}
	for _, l := range labels {
		want[l] = true
		if _, api, ok := strings.Cut(l, ":"); ok {
			names = append(names, api)
		}
	}
	in, nameArgs := placeholders(names)
	// The account's (account, hour) index holds service and api: no row
	// of the table itself is read.
	rows, err := w.pc.s.db.QueryContext(ctx, `SELECT ssvc.s || ':' || sapi.s FROM
		(SELECT DISTINCT a.service, a.api FROM api_hour a WHERE `+w.cond+` AND a.hour >= ? AND a.hour < ?
			AND a.api IN (SELECT id FROM str WHERE s IN (`+in+`))) d
		JOIN str ssvc ON ssvc.id = d.service JOIN str sapi ON sapi.id = d.api`,
		append(append(append([]any{}, w.args...), p.from, p.to), nameArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		if want[l] {
			seen[l] = usage{}
		}
	}
	return seen, rows.Err()
}

// hourlyAgents reports which user agents the account used in the hours of
// p, each by a seek on the user agent's index that stops at the first of
// the account's rows.
func (w accountWindow) hourlyAgents(ctx context.Context, labels []string, p piece) (map[string]usage, error) {
	seen := map[string]usage{}
	// The unary + keeps the planner on the user agent's index.
	cond := strings.Replace(w.cond, "a.account", "+a.account", 1)
	for _, l := range labels {
		var found bool
		err := w.pc.s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM api_hour a
			WHERE a.user_agent = (SELECT id FROM entity WHERE kind = ? AND key = ?) AND a.hour >= ? AND a.hour < ? AND `+cond+`)`,
			append([]any{int(graph.KindUserAgent), l, p.from, p.to}, w.args...)...).Scan(&found)
		if err != nil {
			return nil, err
		}
		if found {
			seen[l] = usage{}
		}
	}
	return seen, nil
}

// ips are the addresses the account's calls came from (windowSources).
func (w accountWindow) ips(ctx context.Context) (map[string]usage, error) {
	out := map[string]usage{}
	account, ok, err := w.accountID(ctx)
	if err != nil || !ok {
		return out, err
	}
	keys, err := w.pc.s.windowSources(ctx, account, w.pieces)
	if err != nil {
		return nil, err
	}
	for _, ip := range keys {
		out[ip] = usage{}
	}
	return out, nil
}

// ipSources are the addresses that calls in [from, to) matching cond (on
// api_hour aliased a) came from. Few addresses make many rows: instead of
// reading the window's rows (a million for 45 days of the whole graph), it
// walks the distinct sources of the source index, one seek each, and asks
// each for one row in the window (900 of 900 addresses in 14 ms against
// 1 s on the benchmark graph).
func (s *Store) ipSources(ctx context.Context, from, to int64, cond string, args []any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE src(id) AS (
			SELECT (SELECT min(source) FROM api_hour WHERE source > 0)
			UNION ALL SELECT (SELECT min(source) FROM api_hour WHERE source > src.id) FROM src WHERE src.id IS NOT NULL)
		SELECT e.key FROM src JOIN entity e ON e.id = src.id AND e.kind = ?
		WHERE EXISTS (SELECT 1 FROM api_hour a INDEXED BY api_by_source_counts
			WHERE a.source = src.id AND a.hour >= ? AND a.hour < ? AND `+cond+`)`,
		append([]any{int(graph.KindIP), from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

// dataSince is when the graph's data of the entity's account begins; for
// entities without an account, when the graph's data begins.
func (pc *profileContext) dataSince(ctx context.Context) (time.Time, error) {
	if pc.e.account != "" {
		return pc.s.accountSince(ctx, pc.e.account)
	}
	var v int64
	err := pc.s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = 'first_event'), 0)`).Scan(&v)
	if v == 0 {
		return time.Time{}, err
	}
	return utc(v), err
}

// newItems are the keys of scope that baseline lacks.
func newItems(scope, baseline, account map[string]usage) []graph.NewItem {
	out := []graph.NewItem{}
	for k, u := range scope {
		if _, seen := baseline[k]; seen {
			continue
		}
		_, acct := account[k]
		out = append(out, graph.NewItem{Value: k, NewForAccount: !acct, FirstSeen: u.first, Calls: u.count})
	}
	sortItems(out)
	return out
}

// increased are the API calls much busier per hour in the scope than in
// the baseline (counted over the hours the entity existed).
func increased(scope, baseline map[string]usage, sc, base graph.Scope, firstSeen time.Time) []graph.NewItem {
	baseHours := base.End.Sub(later(base.Start, firstSeen.Truncate(time.Hour))).Hours()
	out := []graph.NewItem{}
	if baseHours < 1 {
		return out
	}
	for k, u := range scope {
		b, ok := baseline[k]
		if !ok || u.count < minIncrease {
			continue
		}
		scopeRate := float64(u.count) / sc.Length().Hours()
		baseRate := float64(b.count) / baseHours
		if scopeRate >= increaseFactor*baseRate {
			out = append(out, graph.NewItem{Value: k, FirstSeen: u.first, Calls: u.count,
				Detail: fmt.Sprintf("%.0f× (%.2f/h, baseline %.2f/h)", scopeRate/baseRate, scopeRate, baseRate)})
		}
	}
	sortItems(out)
	return out
}

// group geolocates addresses: their usage by place and by ASO, and where
// each place is.
func (pc *profileContext) group(ips map[string]usage) (map[string]usage, map[string]usage, map[string]graph.Place) {
	byPlace, byASO, where := map[string]usage{}, map[string]usage{}, map[string]graph.Place{}
	if pc.s.geo == nil {
		return byPlace, byASO, where
	}
	for ip, u := range ips {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			continue
		}
		p, ok := pc.s.geo.Locate(a)
		if !ok {
			continue
		}
		where[p.Label] = p
		merge(byPlace, p.Label, u)
		if p.ASO != "" {
			merge(byASO, p.ASO, u)
		}
	}
	return byPlace, byASO, where
}

func merge(m map[string]usage, k string, u usage) {
	cur, ok := m[k]
	if !ok || u.first.Before(cur.first) {
		cur.first = u.first
	}
	cur.count += u.count
	m[k] = cur
}

func sortItems(items []graph.NewItem) {
	sort.Slice(items, func(i, j int) bool {
		if items[i].Calls != items[j].Calls {
			return items[i].Calls > items[j].Calls
		}
		return items[i].Value < items[j].Value
	})
}

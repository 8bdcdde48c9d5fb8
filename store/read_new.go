package store

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// usage is how often something was seen in a window, and first when.
type usage struct {
	count int64
	first time.Time
}

// usageBy sums the entity's calls in [from, to) by a label expression.
func (pc *profileContext) usageBy(ctx context.Context, label string, from, to time.Time, cond string, args []any) (map[string]usage, error) {
	rows, err := pc.s.db.QueryContext(ctx, `SELECT `+label+`, sum(a.success + a.failure), min(a.hour)
		FROM api_hour a
		JOIN str ssvc ON ssvc.id = a.service JOIN str sapi ON sapi.id = a.api
		LEFT JOIN entity src ON src.id = a.source LEFT JOIN entity ua ON ua.id = a.user_agent
		WHERE `+cond+` AND a.hour >= ? AND a.hour < ? GROUP BY 1`, append(args, from.Unix(), to.Unix())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]usage{}
	for rows.Next() {
		var k string
		var u usage
		var first int64
		if err := rows.Scan(&k, &u.count, &first); err != nil {
			return nil, err
		}
		u.first = utc(first)
		if k != "" {
			out[k] = u
		}
	}
	return out, rows.Err()
}

// Labels that new behavior compares.
const (
	labelAPI   = `ssvc.s || ':' || sapi.s`
	labelIP    = `CASE WHEN src.kind = 8 THEN src.key ELSE '' END`
	labelAgent = `coalesce(ua.key, '')`
)

// increaseFactor is how much busier than its baseline an API call must be
// in the scope to be reported, and minIncrease how many calls at least.
const (
	increaseFactor = 3.0
	minIncrease    = 10
)

func (pc *profileContext) newBehavior(ctx context.Context) (*graph.NewBehavior, error) {
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
	acctCond, acctArgs := `a.account = (SELECT id FROM entity WHERE kind = 1 AND key = ?)`, []any{pc.e.account}
	if pc.e.account == "" {
		acctCond, acctArgs = `1`, nil
	}
	type window struct{ scope, baseline, account map[string]usage }
	windows := map[string]*window{}
	for _, label := range []string{labelAPI, labelIP, labelAgent} {
		w := &window{}
		if w.scope, err = pc.usageBy(ctx, label, pc.scope.Start, pc.scope.End, cond, args); err != nil {
			return nil, err
		}
		if w.baseline, err = pc.usageBy(ctx, label, base.Start, base.End, cond, args); err != nil {
			return nil, err
		}
		if w.account, err = pc.usageBy(ctx, label, base.Start, base.End, acctCond, acctArgs); err != nil {
			return nil, err
		}
		windows[label] = w
	}
	api, ips, agents := windows[labelAPI], windows[labelIP], windows[labelAgent]
	nb.KnownLocations, nb.Geolocations, nb.ASOs = pc.placesNew(ips.scope, ips.baseline, ips.account)
	if nb.Training {
		// Nothing is new while the baseline is too short to know normal.
		nb.Geolocations, nb.ASOs = []graph.NewItem{}, []graph.NewItem{}
		return nb, nil
	}
	nb.APICalls = newItems(api.scope, api.baseline, api.account)
	nb.UserAgents = newItems(agents.scope, agents.baseline, agents.account)
	nb.IncreasedCalls = increased(api.scope, api.baseline, pc.scope, base, pc.e.firstSeen)
	return nb, nil
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

// placesNew geolocates addresses: the places known from the baseline, and
// the places and ASOs of the scope that the baseline lacks.
func (pc *profileContext) placesNew(scope, baseline, account map[string]usage) (known, places, asos []graph.NewItem) {
	known, places, asos = []graph.NewItem{}, []graph.NewItem{}, []graph.NewItem{}
	if pc.s.geo == nil {
		return known, places, asos
	}
	group := func(ips map[string]usage) (map[string]usage, map[string]usage, map[string]graph.Place) {
		byPlace, byASO, where := map[string]usage{}, map[string]usage{}, map[string]graph.Place{}
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
	scopePlaces, scopeASOs, where := group(scope)
	basePlaces, baseASOs, baseWhere := group(baseline)
	acctPlaces, acctASOs, _ := group(account)
	for label, u := range basePlaces {
		p := baseWhere[label]
		known = append(known, graph.NewItem{Value: label, FirstSeen: u.first, Calls: u.count, Lat: p.Lat, Lon: p.Lon})
	}
	sortItems(known)
	places = newItems(scopePlaces, basePlaces, acctPlaces)
	for i := range places {
		p := where[places[i].Value]
		places[i].Lat, places[i].Lon = p.Lat, p.Lon
	}
	return known, places, newItems(scopeASOs, baseASOs, acctASOs)
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

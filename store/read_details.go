package store

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// maxFactsPerRelation bounds how many related entities one details line
// lists, most recently seen first: a role may have thousands of sessions.
const maxFactsPerRelation = 8

// SetLocator gives the store a GeoIP lookup for places and ASOs.
func (s *Store) SetLocator(l graph.Locator) { s.geo = l }

// locate is the place of an address, when a GeoIP database knows it.
func (s *Store) locate(ip string) (graph.Place, bool) {
	if s.geo == nil {
		return graph.Place{}, false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return graph.Place{}, false
	}
	return s.geo.Locate(a)
}

// related lists the entities at the other end of an entity's edges of one
// relation; outgoing when out, else incoming.
func (s *Store) related(ctx context.Context, id int64, rel graph.Relation, out bool) ([]graph.EdgeRow, error) {
	q := `SELECT e.id, e.kind, e.key, e.account, e.first_seen, e.last_seen, x.first_seen, x.last_seen, x.count
		FROM edge x JOIN entity e ON e.id = x.dst WHERE x.src = ? AND x.rel = ? ORDER BY x.last_seen DESC`
	if !out {
		q = strings.Replace(strings.Replace(q, "e.id = x.dst", "e.id = x.src", 1), "x.src = ?", "x.dst = ?", 1)
	}
	rows, err := s.db.QueryContext(ctx, q, id, int(rel))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := []graph.EdgeRow{}
	for rows.Next() {
		var e entityRow
		var kind int
		var ef, el, first, last, count int64
		if err := rows.Scan(&e.id, &kind, &e.key, &e.account, &ef, &el, &first, &last, &count); err != nil {
			return nil, err
		}
		e.kind = graph.Kind(kind)
		res = append(res, graph.EdgeRow{Ref: e.ref(), FirstSeen: utc(first), LastSeen: utc(last), Count: count})
	}
	return res, rows.Err()
}

func (pc *profileContext) details(ctx context.Context) (*graph.Details, error) {
	e := pc.e
	d := &graph.Details{Ref: e.ref(), FirstSeen: e.firstSeen, LastSeen: e.lastSeen}
	add := func(name, value string, ref *graph.Ref) {
		d.Facts = append(d.Facts, graph.Fact{Name: name, Value: value, Ref: ref})
	}
	if err := pc.accountFacts(ctx, add); err != nil {
		return d, err
	}
	edges := func(rel graph.Relation, out bool, name string) error {
		rows, err := pc.s.related(ctx, e.id, rel, out)
		for i := range rows {
			if i == maxFactsPerRelation {
				add(name, fmt.Sprintf("… and %d more", len(rows)-i), nil)
				break
			}
			r := rows[i].Ref
			add(name, r.Key, &r)
		}
		return err
	}
	var err error
	switch e.kind {
	case graph.KindSession:
		roleID, name, _ := strings.Cut(e.key, ":")
		add("role session name", name, nil)
		add("role id", roleID, nil)
		err = firstError(edges(graph.RelAssumed, true, "assumed role"), pc.starterFacts(ctx, add),
			edges(graph.RelIssuedKey, true, "access key"))
	case graph.KindRole:
		err = edges(graph.RelAssumed, false, "session")
	case graph.KindUser, graph.KindFederated:
		err = firstError(edges(graph.RelIssuedKey, true, "access key"), edges(graph.RelUsedKey, true, "access key used"))
	case graph.KindAccessKey:
		err = firstError(edges(graph.RelIssuedKey, false, "issued to"), edges(graph.RelStartedBy, true, "issued by assumption of"),
			edges(graph.RelUsedKey, false, "used by"))
	case graph.KindIP:
		pc.ipFacts(add)
	case graph.KindInstance:
		err = firstError(edges(graph.RelHadENI, true, "network interface"), edges(graph.RelLaunched, false, "launched by"),
			pc.instanceAddresses(ctx, add))
	case graph.KindENI:
		err = edges(graph.RelHadENI, false, "instance")
	case graph.KindBucket:
		err = edges(graph.RelTouched, false, "accessed by")
	}
	return d, err
}

// starterFacts says who started a session; a cross-account assumption
// seen only from the role's side names just the account.
func (pc *profileContext) starterFacts(ctx context.Context, add func(string, string, *graph.Ref)) error {
	starters, err := pc.s.related(ctx, pc.e.id, graph.RelStartedBy, true)
	if err != nil {
		return err
	}
	named := map[string]bool{}
	for i := range starters {
		r := starters[i].Ref
		add("started by", r.Key, &r)
		named[r.Account] = true
	}
	cross, err := pc.s.related(ctx, pc.e.id, graph.RelCrossAcct, true)
	for _, c := range cross {
		if !named[c.Ref.Key] {
			r := c.Ref
			add("started by", fmt.Sprintf("unknown (cross-account from %s)", c.Ref.Key), &r)
		}
	}
	return err
}

func (pc *profileContext) ipFacts(add func(string, string, *graph.Ref)) {
	a, err := netip.ParseAddr(pc.e.key)
	if err != nil {
		return
	}
	if graph.IsPrivate(a) {
		add("address", "private", nil)
	} else {
		add("address", "public", nil)
	}
	if p, ok := pc.s.locate(pc.e.key); ok {
		add("geolocation", p.Label, nil)
		if p.ASO != "" {
			add("ASO", p.ASO, nil)
		}
	} else if pc.s.geo == nil {
		add("geolocation", "no GeoIP database configured", nil)
	}
}

func (pc *profileContext) instanceAddresses(ctx context.Context, add func(string, string, *graph.Ref)) error {
	rows, err := pc.s.db.QueryContext(ctx, `SELECT DISTINCT ip.key FROM ip_assignment a JOIN entity ip ON ip.id = a.ip
		WHERE a.instance = ? ORDER BY ip.key`, pc.e.id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ip string
		if err := rows.Scan(&ip); err != nil {
			return err
		}
		add("address", ip, &graph.Ref{Kind: "ip", Key: ip})
	}
	return rows.Err()
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// RawQuery asks where the records behind an entity's API calls in a scope
// lie: the records a "details for scope time" row was counted from.
type RawQuery struct {
	Key   string
	Kind  graph.Kind // KindUnknown: whichever kind the key names first
	Scope graph.Scope
	// Calls narrows to one details row with its drill-down fields (IP,
	// API, AccessKey); grouping and display filters do not apply.
	Calls CallQuery
}

// RawRef is one source object and the indexes (graph.Position.Index,
// ascending, each once) of its records to read again.
type RawRef struct {
	URI string
	// Fingerprint is the object's start as ingested, so a reader can tell
	// the object from another one put in its place.
	Fingerprint []byte
	Indexes     []int64
}

// RawSet is where an entity's records in a scope lie. raw_ref is kept per
// principal and hour, so the objects also hold other records of the same
// principals and hours (another API, another IP): Match tells the
// entity's own records, and the drill-down's, from those.
type RawSet struct {
	Entity  graph.Entity
	Scope   graph.Scope
	Calls   CallQuery
	Objects []RawRef
}

// RawRefs finds the source objects and records behind an entity's API
// calls in a scope. It reads only the principal-hours that have a
// matching api_hour row, so drilling into one row reads few objects.
func (s *Store) RawRefs(ctx context.Context, q RawQuery) (*RawSet, error) {
	e, err := s.lookupEntity(ctx, q.Key, q.Kind)
	if err != nil {
		return nil, err
	}
	if !contains(PanelsOf(e.kind), PanelAPIDetails) {
		return nil, fmt.Errorf("%s is a %s: no API calls are counted for it, so it has no raw events", e.key, e.kind)
	}
	pc := &profileContext{s: s, e: e, scope: q.Scope}
	cond, args := pc.callFilter()
	start, end := inScope(q.Scope)
	drill, drillArgs := drillDown(q.Calls)
	args = append(append(args, start, end), drillArgs...)
	rows, err := s.db.QueryContext(ctx, `SELECT o.uri, o.fingerprint, r.idx
		FROM (SELECT DISTINCT a.principal, a.hour FROM api_hour a
			WHERE `+cond+` AND a.hour >= ? AND a.hour < ?`+drill+`) ph
		JOIN raw_ref r ON r.principal = ph.principal AND r.hour = ph.hour
		JOIN object o ON o.id = r.object`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byURI := map[string]*RawRef{}
	for rows.Next() {
		var uri string
		var fp, idx []byte
		if err := rows.Scan(&uri, &fp, &idx); err != nil {
			return nil, err
		}
		ref := byURI[uri]
		if ref == nil {
			ref = &RawRef{URI: uri, Fingerprint: fp}
			byURI[uri] = ref
		}
		ref.Indexes = append(ref.Indexes, DecodeIndexes(idx)...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	set := &RawSet{Entity: e.entity(), Scope: q.Scope, Calls: q.Calls}
	for _, ref := range byURI {
		slices.Sort(ref.Indexes)
		ref.Indexes = slices.Compact(ref.Indexes)
		set.Objects = append(set.Objects, *ref)
	}
	slices.SortFunc(set.Objects, func(a, b RawRef) int { return strings.Compare(a.URI, b.URI) })
	return set, nil
}

// drillDown is the SQL form of a details row's drill-down on api_hour
// (aliased a), as callDetails applies it.
func drillDown(q CallQuery) (string, []any) {
	var sql string
	var args []any
	if q.IP != "" {
		sql += ` AND a.source IN (SELECT id FROM entity WHERE key = ? AND kind IN (?, ?))`
		args = append(args, q.IP, int(graph.KindIP), int(graph.KindService))
	}
	if service, api := splitAPI(q.API); api != "" {
		sql += ` AND a.api = (SELECT id FROM str WHERE s = ?)`
		args = append(args, api)
		if service != "" {
			sql += ` AND a.service = (SELECT id FROM str WHERE s = ?)`
			args = append(args, service)
		}
	}
	if q.AccessKey != "" {
		sql += ` AND a.access_key IN (SELECT id FROM entity WHERE key = ? AND kind = ?)`
		args = append(args, q.AccessKey, int(graph.KindAccessKey))
	}
	return sql, args
}

// splitAPI reads the drill-down's "service:Name" or "Name".
func splitAPI(s string) (service, api string) {
	if service, api, ok := strings.Cut(s, ":"); ok {
		return service, api
	}
	return "", s
}

// Match reports whether a re-read call is one of the set's: the entity's
// own (by IP, key, agent or recipient account where the entity is not the
// principal), in the scope, and in the drill-down's row.
func (rs *RawSet) Match(c *graph.APICall) bool {
	if !rs.Scope.Contains(c.Time) {
		return false
	}
	key := rs.Entity.Key
	switch rs.Entity.Kind {
	case graph.KindIP:
		if sourceKey(c.SourceIP) != key {
			return false
		}
	case graph.KindAccessKey:
		if c.Identity.AccessKeyID != key {
			return false
		}
	case graph.KindUserAgent:
		if c.UserAgent != key {
			return false
		}
	case graph.KindAccount:
		if c.Account != key {
			return false
		}
	}
	q := rs.Calls
	if q.IP != "" && sourceKey(c.SourceIP) != q.IP {
		return false
	}
	if service, api := splitAPI(q.API); api != "" && (c.Name != api || service != "" && c.Service != service) {
		return false
	}
	return q.AccessKey == "" || c.Identity.AccessKeyID == q.AccessKey
}

// sourceKey is the key of a call's source entity, as graph.Attribute
// names it: the address in canonical form, or the service.
func sourceKey(sourceIP string) string {
	addr, svc := graph.ParseSourceIP(sourceIP)
	if addr.IsValid() {
		return addr.String()
	}
	return svc
}

// KeyIssue is what the graph holds of how an access key came to be: the
// user a CreateAccessKey issued it to, or the session (or federated user)
// an AssumeRole* (or GetFederationToken) issued it to, and who called that.
type KeyIssue struct {
	Key graph.Entity
	// IssuedTo are the key's owners, earliest first; FirstSeen is when
	// the issuing call was made.
	IssuedTo []graph.EdgeRow
	// StartedBy is who called the AssumeRole that issued it.
	StartedBy []graph.EdgeRow
	// CrossAccount names the account of a caller the logs do not name:
	// only the role's account logged the assumption.
	CrossAccount []graph.EdgeRow
}

// KeyIssue looks up how the access key was issued.
func (s *Store) KeyIssue(ctx context.Context, key string) (*KeyIssue, error) {
	e, err := s.lookupEntity(ctx, key, graph.KindAccessKey)
	if err != nil {
		return nil, err
	}
	ki := &KeyIssue{Key: e.entity()}
	if ki.IssuedTo, err = s.related(ctx, e.id, graph.RelIssuedKey, false); err != nil {
		return nil, err
	}
	slices.SortFunc(ki.IssuedTo, func(a, b graph.EdgeRow) int { return a.FirstSeen.Compare(b.FirstSeen) })
	if ki.StartedBy, err = s.related(ctx, e.id, graph.RelStartedBy, true); err != nil {
		return nil, err
	}
	for _, owner := range ki.IssuedTo {
		if owner.Ref.Kind != graph.KindSession.String() {
			continue
		}
		o, err := s.lookupEntity(ctx, owner.Ref.Key, graph.KindSession)
		if err != nil {
			return nil, err
		}
		cross, err := s.related(ctx, o.id, graph.RelCrossAcct, true)
		if err != nil {
			return nil, err
		}
		ki.CrossAccount = append(ki.CrossAccount, cross...)
	}
	return ki, nil
}

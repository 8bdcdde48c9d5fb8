package store

import (
	"context"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// SearchHit is one search result.
type SearchHit struct {
	Ref      graph.Ref `json:"entity"`
	Match    string    `json:"match"` // exact, name, prefix, cidr, finding
	Detail   string    `json:"detail,omitempty"`
	LastSeen time.Time `json:"last_seen"`
	rank     int
}

// searchLimit bounds the hits of one search.
const searchLimit = 50

// Search finds entities and findings by text: exact keys first, then
// short names (a session or user name), key prefixes, addresses in a CIDR,
// and finding types and titles. All lookups use indexes except the
// finding text match, which scans the findings table.
func (s *Store) Search(ctx context.Context, text string) ([]SearchHit, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return []SearchHit{}, nil
	}
	hits := map[int64]*SearchHit{}
	add := func(rank int, match string, rows []entityRow, detail string) {
		for _, e := range rows {
			if h, ok := hits[e.id]; ok && h.rank <= rank {
				continue
			}
			hits[e.id] = &SearchHit{Ref: e.ref(), Match: match, Detail: detail, LastSeen: e.lastSeen, rank: rank}
		}
	}
	lower := strings.ToLower(text)
	queries := []struct {
		rank  int
		match string
		where string
		args  []any
	}{
		{0, "exact", `key = ?`, []any{text}},
		{1, "name", `name = ? AND name != ''`, []any{lower}},
		{2, "prefix", `key >= ? AND key < ?`, []any{text, text + "\U0010ffff"}},
		{3, "name prefix", `name >= ? AND name < ? AND name != ''`, []any{lower, lower + "\U0010ffff"}},
	}
	for _, q := range queries {
		// The page is picked by the index alone (key and last_seen), and
		// only its rows are read: a prefix such as "ASIA" matches 100k keys.
		rows, err := s.entities(ctx, `id IN (SELECT id FROM entity WHERE `+q.where+` ORDER BY last_seen DESC LIMIT ?)`,
			append(q.args, searchLimit)...)
		if err != nil {
			return nil, err
		}
		add(q.rank, q.match, rows, "")
	}
	if p, err := netip.ParsePrefix(text); err == nil {
		rows, err := s.ipsIn(ctx, p.Masked())
		if err != nil {
			return nil, err
		}
		add(2, "cidr", rows, "")
	}
	if err := s.searchFindings(ctx, lower, add); err != nil {
		return nil, err
	}
	out := make([]SearchHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank < out[j].rank
		}
		if !out[i].LastSeen.Equal(out[j].LastSeen) {
			return out[i].LastSeen.After(out[j].LastSeen)
		}
		return out[i].Ref.Key < out[j].Ref.Key
	})
	if len(out) > searchLimit {
		out = out[:searchLimit]
	}
	return out, nil
}

func (s *Store) entities(ctx context.Context, where string, args ...any) ([]entityRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, key, account, first_seen, last_seen FROM entity WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []entityRow
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ipsIn finds addresses in a prefix. Keys are text, so the prefix's whole
// leading octets (and, for a few values of a partial octet, each value)
// become key ranges; rows stream in key order and the scan stops at the
// page limit instead of reading every address of a wide prefix.
func (s *Store) ipsIn(ctx context.Context, p netip.Prefix) ([]entityRow, error) {
	var out []entityRow
	for _, lead := range prefixLeads(p) {
		rows, err := s.db.QueryContext(ctx, `SELECT id, kind, key, account, first_seen, last_seen FROM entity
			WHERE kind = ? AND key >= ? AND key < ? ORDER BY key`, int(graph.KindIP), lead, lead+"\U0010ffff")
		if err != nil {
			return nil, err
		}
		for len(out) < searchLimit && rows.Next() {
			e, err := scanEntity(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if a, err := netip.ParseAddr(e.key); err == nil && p.Contains(a) {
				out = append(out, e)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(out) == searchLimit {
			return out, err
		}
	}
	return out, nil
}

// prefixLeads are the key prefixes an IPv4 prefix's addresses start with:
// "10.1." for 10.1.0.0/16, "198.18." and "198.19." for 198.18.0.0/15. An
// IPv6 prefix, or a partial octet of many values, falls back to fewer
// whole octets ("" is every address).
func prefixLeads(p netip.Prefix) []string {
	if !p.Addr().Is4() {
		return []string{""}
	}
	octets := strings.Split(p.Addr().String(), ".")
	// A /32 is one address of its last octet's range ("10.0.0.5." is no key's start).
	whole := min(p.Bits()/8, 3)
	lead := strings.Join(octets[:whole], ".")
	if lead != "" {
		lead += "."
	}
	rest := p.Bits() % 8
	if whole >= 3 || rest < 4 {
		// Whole octets, a last octet (at most 256 addresses), or a
		// partial octet of 32 or more values: one range.
		return []string{lead}
	}
	first, _ := strconv.Atoi(octets[whole])
	var leads []string
	for v := first; v < first+1<<(8-rest); v++ {
		leads = append(leads, lead+strconv.Itoa(v)+".")
	}
	return leads
}

// searchFindings matches finding types and titles by substring.
func (s *Store) searchFindings(ctx context.Context, lower string, add func(int, string, []entityRow, string)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.kind, e.key, e.account, e.first_seen, e.last_seen, f.type
		FROM finding f JOIN entity e ON e.id = f.entity
		WHERE instr(lower(f.type), ?) > 0 OR instr(lower(f.title), ?) > 0
		ORDER BY f.severity DESC, f.last_seen DESC LIMIT ?`, lower, lower, searchLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var typ string
		e, err := scanEntity(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &typ)...) }))
		if err != nil {
			return err
		}
		add(4, "finding", []entityRow{e}, typ)
	}
	return rows.Err()
}

// scanFunc adapts a function to the scanner interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

package store

import (
	"context"
	"net/netip"
	"sort"
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
		rows, err := s.entities(ctx, q.where+` ORDER BY last_seen DESC LIMIT ?`, append(q.args, searchLimit)...)
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

// ipsIn finds addresses in a prefix: the key range of the prefix's whole
// leading octets narrows the scan, the prefix itself decides.
func (s *Store) ipsIn(ctx context.Context, p netip.Prefix) ([]entityRow, error) {
	lead := ""
	if p.Addr().Is4() {
		octets := strings.Split(p.Addr().String(), ".")
		lead = strings.Join(octets[:p.Bits()/8], ".")
		if lead != "" {
			lead += "."
		}
	}
	rows, err := s.entities(ctx, `kind = ? AND key >= ? AND key < ?`, int(graph.KindIP), lead, lead+"\U0010ffff")
	if err != nil {
		return nil, err
	}
	var out []entityRow
	for _, e := range rows {
		if a, err := netip.ParseAddr(e.key); err == nil && p.Contains(a) {
			out = append(out, e)
			if len(out) == searchLimit {
				break
			}
		}
	}
	return out, nil
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

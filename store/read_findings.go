package store

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// FindingProfile is a finding's own panels.
type FindingProfile struct {
	graph.FindingRow
	Description  string           `json:"description"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	Count        int64            `json:"count"`
	ActionType   string           `json:"action_type"`
	Updates      int              `json:"updates"`
	Involved     []graph.Involved `json:"involved"`
	Related      []RelatedFinding `json:"related"`
	DefaultScope graph.Scope      `json:"default_scope"`
}

// RelatedFinding shares an entity with the finding in its window.
type RelatedFinding struct {
	graph.FindingRow
	Shared []graph.Ref `json:"shared"`
}

const findingColumns = `f.id, f.type, f.title, f.severity, f.account, f.region, f.resource_type,
	f.first_seen, f.last_seen, f.archived`

func scanFindingRow(r scanner, extra ...any) (graph.FindingRow, error) {
	var f graph.FindingRow
	var first, last int64
	var archived int
	dest := append([]any{&f.ID, &f.Type, &f.Title, &f.Severity, &f.Account, &f.Region, &f.Resource,
		&first, &last, &archived}, extra...)
	if err := r.Scan(dest...); err != nil {
		return f, err
	}
	f.FirstSeen, f.LastSeen, f.Archived = utc(first), utc(last), archived == 1
	return f, nil
}

// findingsOf lists the findings an entity is involved in, with its part.
func (s *Store) findingsOf(ctx context.Context, entity int64) ([]graph.FindingRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingColumns+`, group_concat(fe.part, ', ')
		FROM finding_entity fe JOIN finding f ON f.entity = fe.finding
		WHERE fe.entity = ? GROUP BY f.entity ORDER BY f.severity DESC, f.last_seen DESC`, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.FindingRow{}
	for rows.Next() {
		var part string
		f, err := scanFindingRow(rows, &part)
		if err != nil {
			return nil, err
		}
		f.Part = part
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *Store) findingProfile(ctx context.Context, e entityRow) (*FindingProfile, error) {
	fp := &FindingProfile{}
	var created, updated int64
	row := s.db.QueryRowContext(ctx, `SELECT `+findingColumns+`, f.description, f.created_at, f.updated_at,
			f.count, f.action_type, (SELECT count(*) FROM finding_update u WHERE u.finding = f.entity)
		FROM finding f WHERE f.entity = ?`, e.id)
	var err error
	fp.FindingRow, err = scanFindingRow(row, &fp.Description, &created, &updated, &fp.Count, &fp.ActionType, &fp.Updates)
	if err != nil {
		return nil, err
	}
	fp.CreatedAt, fp.UpdatedAt = utc(created), utc(updated)
	fp.DefaultScope = graph.FindingScope(fp.FirstSeen, fp.LastSeen)
	if fp.Involved, err = s.involved(ctx, e.id); err != nil {
		return nil, err
	}
	fp.Related, err = s.relatedFindings(ctx, e.id, fp.DefaultScope)
	return fp, err
}

func (s *Store) involved(ctx context.Context, finding int64) ([]graph.Involved, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.kind, e.key, e.account, e.first_seen, e.last_seen, fe.part
		FROM finding_entity fe JOIN entity e ON e.id = fe.entity WHERE fe.finding = ?
		ORDER BY CASE fe.part WHEN 'resource' THEN 0 WHEN 'actor' THEN 1 ELSE 2 END, e.kind, e.key`, finding)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.Involved{}
	for rows.Next() {
		var part string
		var e entityRow
		var kind int
		var first, last int64
		if err := rows.Scan(&e.id, &kind, &e.key, &e.account, &first, &last, &part); err != nil {
			return nil, err
		}
		e.kind = graph.Kind(kind)
		out = append(out, graph.Involved{Ref: e.ref(), Part: part})
	}
	return out, rows.Err()
}

// relatedFindings are other findings that share an involved entity, other
// than an account, a Region or an AWS service, and whose activity
// overlaps the scope.
func (s *Store) relatedFindings(ctx context.Context, finding int64, sc graph.Scope) ([]RelatedFinding, error) {
	start, end := inScope(sc)
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingColumns+`, group_concat(e.kind || char(31) || e.key, char(30))
		FROM finding_entity mine
		JOIN entity e ON e.id = mine.entity AND e.kind NOT IN (?, ?)
		JOIN finding_entity theirs ON theirs.entity = mine.entity AND theirs.finding != mine.finding
		JOIN finding f ON f.entity = theirs.finding
		WHERE mine.finding = ? AND f.first_seen < ? AND f.last_seen >= ?
		GROUP BY f.entity ORDER BY f.severity DESC, f.last_seen DESC`,
		int(graph.KindAccount), int(graph.KindService), finding, end, start)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RelatedFinding{}
	for rows.Next() {
		var shared string
		f, err := scanFindingRow(rows, &shared)
		if err != nil {
			return nil, err
		}
		out = append(out, RelatedFinding{FindingRow: f, Shared: splitRefs(shared)})
	}
	return out, rows.Err()
}

// splitRefs reads "kind\x1fkey\x1ekind\x1fkey" as group_concat wrote it,
// without repeats.
func splitRefs(s string) []graph.Ref {
	var out []graph.Ref
	seen := map[string]bool{}
	for _, item := range strings.Split(s, "\x1e") {
		kind, key, ok := strings.Cut(item, "\x1f")
		k, err := strconv.Atoi(kind)
		if !ok || err != nil || seen[item] {
			continue
		}
		seen[item] = true
		out = append(out, graph.Ref{Kind: graph.Kind(k).String(), Key: key})
	}
	// group_concat's order is SQLite's to choose: sort for a stable answer.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Key < out[j].Key
	})
	return out
}

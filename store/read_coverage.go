package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// coverageAccountsMax bounds the accounts an address's or agent's coverage
// panel reports: a resolver seen by interfaces of every account would
// otherwise list the logging of the whole organisation, which the accounts
// page shows better, in seconds instead of milliseconds.
var coverageAccountsMax = 10

// coverage says which trails and flow logs delivered for the entity's
// accounts, every trail change up to the scope's end, and the gaps that
// must not read as quiet.
func (pc *profileContext) coverage(ctx context.Context) (*graph.Coverage, error) {
	accounts, err := pc.accounts(ctx)
	if err != nil {
		return nil, err
	}
	shown := accounts[:min(len(accounts), coverageAccountsMax)]
	cov, err := pc.s.Coverage(ctx, shown, pc.scope)
	if err != nil {
		return nil, err
	}
	if len(accounts) > len(shown) {
		cov.AccountsSeen = len(accounts)
		cov.Warnings = append([]string{fmt.Sprintf("seen in %d accounts in the scope: coverage is reported for the %d it was most active in "+
			"(the accounts page shows every account's)", len(accounts), len(shown))}, cov.Warnings...)
	}
	return cov, nil
}

// accounts are the accounts whose logging matters to the entity: its own,
// or, for addresses and agents, those it was seen in during the scope, the
// ones it was most active in first.
func (pc *profileContext) accounts(ctx context.Context) ([]string, error) {
	if pc.e.account != "" {
		return []string{pc.e.account}, nil
	}
	start, end := inScope(pc.scope)
	if (pc.e.kind == graph.KindIP || pc.e.kind == graph.KindUserAgent) && len(pc.filter.Regions) == 0 {
		// From the seen_in rollups, by days: an account counts when the
		// entity was seen in it on a day the scope touches.
		acond, aargs := pc.filter.textCond("s.s", "")
		return pc.s.texts(ctx, `SELECT s.s FROM seen_in i JOIN str s ON s.id = i.account
			WHERE i.entity = ?`+acond+` AND EXISTS (SELECT 1 FROM seen_in_day d
				WHERE d.entity = i.entity AND d.account = i.account AND d.day >= ? AND d.day < ?)
			ORDER BY i.n DESC, s.s`, append(append([]any{pc.e.id}, aargs...), dayOfUnix(start), end)...)
	}
	// A Region filter (which the rollups do not know) and other entities
	// without an account: from the hourly rows.
	cond, args := pc.callFilter()
	r := pc.flowFilter()
	return pc.s.texts(ctx, `SELECT key FROM entity WHERE id IN (
			SELECT DISTINCT a.account FROM api_hour a WHERE `+cond+` AND a.hour >= ? AND a.hour < ?)
		UNION SELECT account FROM entity WHERE account != '' AND id IN (
			SELECT DISTINCT f.eni FROM `+r.from+` WHERE `+r.cond+` AND f.hour >= ? AND f.hour < ?)`,
		slices.Concat(args, []any{start, end}, r.fromArgs, r.condArgs, []any{start, end})...)
}

// Coverage reports logging coverage of accounts in a scope. Whole days
// come from coverage_delivery_day; the hours of the scope's partial first
// and last days from the hourly coverage rows.
func (s *Store) Coverage(ctx context.Context, accounts []string, sc graph.Scope) (*graph.Coverage, error) {
	cov := &graph.Coverage{Deliveries: []graph.Delivery{}, Changes: []graph.TrailChange{}, Warnings: []string{}}
	if len(accounts) == 0 {
		return cov, nil
	}
	in, acctArgs := placeholders(accounts)
	start, end := inScope(sc)
	endDay := dayOfUnix(end)
	// The first whole day in the scope, and the end of the hours before it.
	startCeil := dayOfUnix(start + secondsPerDay - 1)
	args := append([]any{startCeil}, acctArgs...)
	args = append(append(append(args, endDay, start), acctArgs...), endDay, end)
	args = append(append(args, acctArgs...), start, min(startCeil, endDay))
	rows, err := s.db.QueryContext(ctx, `SELECT d.s, x.kind, x.account, x.region, min(x.first), max(x.last), sum(x.records), sum(x.hours)
		FROM (
			SELECT delivery, kind, account, region, first_hour AS first, last_hour AS last, records,
				CASE WHEN day >= ? THEN hours ELSE 0 END AS hours
			FROM coverage_delivery_day WHERE account IN (`+in+`) AND day < ?
			UNION ALL
			SELECT delivery, kind, account, region, hour, hour, records, hour >= ?
			FROM coverage WHERE account IN (`+in+`) AND hour >= ? AND hour < ?
			UNION ALL
			SELECT delivery, kind, account, region, NULL, NULL, 0, 1
			FROM coverage WHERE account IN (`+in+`) AND hour >= ? AND hour < ?
		) x JOIN str d ON d.id = x.delivery
		GROUP BY x.delivery, x.kind, x.account, x.region ORDER BY x.kind, x.account, x.region, d.s`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d graph.Delivery
		var first, last int64
		if err := rows.Scan(&d.Name, &d.Kind, &d.Account, &d.Region, &first, &last, &d.Records, &d.HoursCovered); err != nil {
			rows.Close()
			return nil, err
		}
		d.First, d.Last = utc(first), utc(last+3599)
		cov.Deliveries = append(cov.Deliveries, d)
	}
	rows.Close()
	if cov.Changes, err = s.trailChanges(ctx, in, acctArgs, end); err != nil {
		return nil, err
	}
	s.nameDeliveries(cov)
	cov.Warnings = coverageWarnings(cov, sc, accounts)
	return cov, nil
}

func (s *Store) trailChanges(ctx context.Context, in string, acctArgs []any, end int64) ([]graph.TrailChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.time, t.api, t.trail, t.account, t.region, t.failed,
			coalesce(p.kind, 0), coalesce(p.key, ''), coalesce(p.account, '')
		FROM trail_event t LEFT JOIN entity p ON p.id = t.principal
		WHERE t.account IN (`+in+`) AND t.time < ? ORDER BY t.time`, append(acctArgs, end)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.TrailChange{}
	for rows.Next() {
		var c graph.TrailChange
		var t int64
		var failed, kind int
		var p graph.Ref
		if err := rows.Scan(&t, &c.API, &c.Trail, &c.Account, &c.Region, &failed, &kind, &p.Key, &p.Account); err != nil {
			return nil, err
		}
		c.Time, c.Failed, c.Trail = utc(t), failed == 1, TrailName(c.Trail)
		if p.Key != "" {
			p.Kind = graph.Kind(kind).String()
			c.Principal = &p
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// TrailName is a trail's name from its name or ARN.
func TrailName(s string) string {
	if i := strings.LastIndex(s, ":trail/"); i >= 0 {
		return s[i+len(":trail/"):]
	}
	return s
}

// nameDeliveries names CloudTrail deliveries after the trail whose
// CreateTrail or UpdateTrail pointed at that bucket.
func (s *Store) nameDeliveries(cov *graph.Coverage) {
	buckets := map[string]string{}
	rows, err := s.db.Query(`SELECT bucket, trail FROM trail_event WHERE bucket != '' ORDER BY time`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var b, t string
		if rows.Scan(&b, &t) == nil {
			buckets[b] = TrailName(t)
		}
	}
	for i := range cov.Deliveries {
		d := &cov.Deliveries[i]
		if d.Kind != "cloudtrail" {
			continue
		}
		for b, trail := range buckets {
			if d.Name == b || strings.HasSuffix(d.Name, "/"+b) || strings.HasPrefix(d.Name, b+"/") || strings.Contains(d.Name, "/"+b+"/") {
				d.Name = trail + " (" + d.Name + ")"
				break
			}
		}
	}
}

// coverageWarnings finds what a responder must know before reading
// silence as inactivity.
func coverageWarnings(cov *graph.Coverage, sc graph.Scope, accounts []string) []string {
	warnings := []string{}
	stopped := map[string]graph.TrailChange{}
	for _, c := range cov.Changes {
		if c.Failed {
			continue
		}
		key := c.Account + "/" + c.Trail
		switch c.API {
		case "StopLogging", "DeleteTrail":
			stopped[key] = c
		case "StartLogging", "CreateTrail":
			delete(stopped, key)
		case "UpdateTrail":
			warnings = append(warnings, fmt.Sprintf("trail %s was changed (UpdateTrail) at %s%s", c.Trail, stamp(c.Time), by(c)))
		}
	}
	keys := make([]string, 0, len(stopped))
	for k := range stopped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := stopped[k]
		warnings = append(warnings, fmt.Sprintf("trail %s stopped logging (%s) at %s%s: events after it come only from other trails",
			c.Trail, c.API, stamp(c.Time), by(c)))
	}
	// A delivery that was silent in the scope while another delivered for
	// the same account and Region has a gap; an account nobody delivered
	// for in the scope may have activity nobody logged.
	active := map[string]bool{}
	for _, d := range cov.Deliveries {
		if d.HoursCovered > 0 {
			active[d.Kind+"/"+d.Account+"/"+d.Region] = true
			active[d.Kind+"/"+d.Account] = true
		}
	}
	for _, d := range cov.Deliveries {
		if d.HoursCovered == 0 && active[d.Kind+"/"+d.Account+"/"+d.Region] {
			warnings = append(warnings, fmt.Sprintf("%s delivery %s for %s %s delivered nothing in the scope while another did (last records %s)",
				d.Kind, d.Name, d.Account, d.Region, stamp(d.Last)))
		}
	}
	for _, a := range accounts {
		if !active["cloudtrail/"+a] {
			warnings = append(warnings, fmt.Sprintf("no CloudTrail records for account %s in the scope: activity may be missing, not absent", a))
		}
	}
	return warnings
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func by(c graph.TrailChange) string {
	if c.Principal == nil {
		return ""
	}
	return " by " + c.Principal.Key
}

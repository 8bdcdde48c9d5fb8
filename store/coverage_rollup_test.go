package store

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// bruteDeliveries is Coverage's deliveries from every hourly coverage row,
// as it read them before coverage_delivery_day.
func bruteDeliveries(t *testing.T, st *Store, accounts []string, sc graph.Scope) []graph.Delivery {
	t.Helper()
	in, acctArgs := placeholders(accounts)
	start, end := inScope(sc)
	rows, err := st.db.Query(`SELECT d.s, c.kind, c.account, c.region, min(c.hour), max(c.hour), sum(c.records),
			count(CASE WHEN c.hour >= ? AND c.hour < ? THEN 1 END)
		FROM coverage c JOIN str d ON d.id = c.delivery
		WHERE c.account IN (`+in+`) AND c.hour < ?
		GROUP BY c.delivery, c.kind, c.account, c.region ORDER BY c.kind, c.account, c.region, d.s`,
		append(append([]any{start, end}, acctArgs...), end)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []graph.Delivery{}
	for rows.Next() {
		var d graph.Delivery
		var first, last int64
		if err := rows.Scan(&d.Name, &d.Kind, &d.Account, &d.Region, &first, &last, &d.Records, &d.HoursCovered); err != nil {
			t.Fatal(err)
		}
		d.First, d.Last = utc(first), utc(last+3599)
		out = append(out, d)
	}
	cov := &graph.Coverage{Deliveries: out}
	st.nameDeliveries(cov)
	return cov.Deliveries
}

// coverageScopes start and end on day boundaries, inside days, within one
// day, and before and after the data.
func coverageScopes() []graph.Scope {
	d0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	at := func(day, hour int) time.Time { return d0.Add(time.Duration(day*24+hour) * time.Hour) }
	return []graph.Scope{
		{Start: at(0, 0), End: at(40, 0)},
		{Start: at(3, 7), End: at(19, 13)},
		{Start: at(5, 0), End: at(12, 18)},
		{Start: at(8, 15), End: at(9, 0)},
		{Start: at(10, 2), End: at(10, 9)},
		{Start: at(-30, 0), End: at(2, 5)},
		{Start: at(38, 23), End: at(90, 0)},
		{Start: at(60, 0), End: at(61, 0)},
	}
}

func TestCoverageRollupMatchesHourlyRows(t *testing.T) {
	st, _ := rollupWorld(t)
	ctx := context.Background()
	accounts := []string{"111111111111", "222222222222", "333333333333"}
	checked := 0
	for _, sc := range coverageScopes() {
		for _, accts := range [][]string{accounts, accounts[1:2]} {
			cov, err := st.Coverage(ctx, accts, sc)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteDeliveries(t, st, accts, sc); !reflect.DeepEqual(cov.Deliveries, want) {
				t.Errorf("scope %s, accounts %v: deliveries\n%+v\nfrom every hourly row\n%+v", sc, accts, cov.Deliveries, want)
			}
			for _, d := range cov.Deliveries {
				checked += d.HoursCovered
			}
		}
	}
	if checked == 0 {
		t.Fatal("no scope covered an hour: the test data is wrong")
	}
}

// TestCoverageAccountsOfAddresses checks the accounts an address's or
// agent's coverage reports, read from seen_in, against the hourly rows
// (which a Region filter naming every Region reads), busiest first, and
// the bound on how many are reported.
func TestCoverageAccountsOfAddresses(t *testing.T) {
	st, _ := rollupWorld(t)
	ctx := context.Background()
	keys := []string{"192.0.2.10", "203.0.113.9", "198.18.0.105", "10.0.0.1", "10.0.0.3", "aws-cli/2", "tool/3"}
	d0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	scopes := []graph.Scope{{Start: d0, End: d0.Add(40 * 24 * time.Hour)}, {Start: d0.Add(25 * 24 * time.Hour), End: d0.Add(27 * 24 * time.Hour)},
		{Start: d0.Add(3 * 24 * time.Hour), End: d0.Add(4 * 24 * time.Hour)}}
	coverageAccounts := func(key string, sc graph.Scope, f AccountFilter) ([]string, *graph.Coverage) {
		p, err := st.Profile(ctx, ProfileRequest{Key: key, Scope: &sc, Panels: []string{PanelCoverage}, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range p.Coverage.Deliveries {
			if !slices.Contains(out, d.Account) {
				out = append(out, d.Account)
			}
		}
		slices.Sort(out)
		return out, p.Coverage
	}
	seen := 0
	for _, key := range keys {
		for _, sc := range scopes {
			got, _ := coverageAccounts(key, sc, AccountFilter{})
			want, _ := coverageAccounts(key, sc, AccountFilter{Regions: []string{"us-east-1", "us-west-2"}})
			if !slices.Equal(got, want) {
				t.Errorf("%s in %s: coverage of accounts %v, hourly rows say %v", key, sc, got, want)
			}
			seen += len(got)
		}
	}
	if seen == 0 {
		t.Fatal("no address was seen in any account: the test data is wrong")
	}

	defer func(n int) { coverageAccountsMax = n }(coverageAccountsMax)
	coverageAccountsMax = 1
	all, _ := coverageAccounts("192.0.2.10", scopes[0], AccountFilter{})
	_, cov := coverageAccounts("192.0.2.10", scopes[0], AccountFilter{})
	var busiest string
	if err := st.db.QueryRow(`SELECT s.s FROM seen_in i JOIN str s ON s.id = i.account JOIN entity e ON e.id = i.entity
		WHERE e.key = '192.0.2.10' ORDER BY i.n DESC LIMIT 1`).Scan(&busiest); err != nil {
		t.Fatal(err)
	}
	if cov.AccountsSeen != 3 || len(all) != 1 || all[0] != busiest || len(cov.Warnings) == 0 ||
		cov.Warnings[0] != "seen in 3 accounts in the scope: coverage is reported for the 1 it was most active in (the accounts page shows every account's)" {
		t.Errorf("bounded to one account: accounts %v (busiest %s), seen in %d, warnings %q", all, busiest, cov.AccountsSeen, cov.Warnings)
	}
}

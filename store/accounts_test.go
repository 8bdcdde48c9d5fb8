package store

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

const (
	acctProd  = "111111111111"
	acctOther = "222222222222"
)

// accountsGraph: prod calls 3 times a day in us-east-1 from Oct 1 to 13
// and 5 times on the 14th (the day "now" is in); 10 flow records in
// eu-west-1 on the 13th; one finding of another account in eu-west-1.
func accountsGraph(t *testing.T) *Store {
	t.Helper()
	st := openTemp(t)
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDelta(Checkpoint{URI: "ct", Delivery: "trail", Complete: true})
	add := func(id string, at time.Time) {
		c := graph.APICall{EventID: id, Time: at, Account: acctProd, Region: "us-east-1", Service: "ec2.amazonaws.com",
			Name: "DescribeInstances", SourceIP: "192.0.2.10", UserAgent: "aws-cli/2",
			Identity: graph.Identity{Type: "IAMUser", UserName: "alice", AccountID: acctProd}}
		d.AddCall(&c)
	}
	for day := 1; day <= 13; day++ {
		for i := range 3 {
			add(fmt.Sprintf("e%d-%d", day, i), time.Date(2026, 10, day, 12, i, 0, 0, time.UTC))
		}
	}
	for i := range 5 {
		add(fmt.Sprintf("today-%d", i), time.Date(2026, 10, 14, 17, 26+i, 0, 0, time.UTC))
	}
	fd := NewDelta(Checkpoint{URI: "flows", Delivery: "flowlog", Complete: true})
	for i := range 10 {
		at := time.Date(2026, 10, 13, 8, i, 0, 0, time.UTC)
		fd.AddFlow(&graph.FlowRecord{InterfaceID: "eni-1", Account: acctProd, Region: "eu-west-1", Instance: "i-1",
			Src: netip.MustParseAddr("203.0.113.9"), Dst: netip.MustParseAddr("10.0.0.5"), SrcPort: int32(40000 + i), DstPort: 443,
			Protocol: 6, TCPFlags: -1, Bytes: 100, Packets: 1, Start: at.Unix(), End: at.Unix() + 60, Action: graph.ActionAccept})
	}
	gd := NewDelta(Checkpoint{URI: "gd", Complete: true})
	at := time.Date(2026, 10, 12, 3, 0, 0, 0, time.UTC)
	gd.AddFinding(&graph.Finding{ID: "f-other", Type: "Recon:EC2/PortProbeUnprotectedPort", Severity: 5, Account: acctOther,
		Region: "eu-west-1", CreatedAt: at, UpdatedAt: at, FirstSeen: at, LastSeen: at, Raw: []byte(`{}`)})
	if _, err := w.Commit(ctx, d, fd, gd); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveAccountNames(ctx, []AccountName{{ID: acctProd, Name: "prod", Email: "p@example.com", Status: "ACTIVE", FetchedAt: at}}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAccountUsageHandBuilt(t *testing.T) {
	st := accountsGraph(t)
	u, err := st.AccountUsage(context.Background(), AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 10, 13, 0, 0, 0, 0, time.UTC); !u.LastFullDay.Equal(want) || !u.Window.End.Equal(want.Add(day)) {
		t.Errorf("last full day %v, window %v", u.LastFullDay, u.Window)
	}
	if len(u.Rows) != 3 {
		t.Fatalf("rows %+v", u.Rows)
	}
	flows, trail, other := u.Rows[0], u.Rows[1], u.Rows[2]
	if flows.Account != acctProd || flows.Region != "eu-west-1" || flows.Name != "prod" || flows.FlowsLastDay != 10 ||
		flows.FlowsPerDay != 10 || flows.EventsPerDay != 0 || flows.Daily[UsageDays-1] != 10 {
		t.Errorf("prod eu-west-1 %+v", flows)
	}
	if trail.Region != "us-east-1" || trail.EventsLastDay != 3 || trail.EventsPerDay != 3 || trail.Findings != 0 ||
		!trail.FirstSeen.Equal(time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)) ||
		!trail.LastSeen.Equal(time.Date(2026, 10, 14, 17, 59, 59, 0, time.UTC)) {
		t.Errorf("prod us-east-1 %+v", trail)
	}
	// Oct 1 is day 17 of the 30 that end on Oct 13; the 14th is not drawn.
	if trail.Daily[17] != 3 || trail.Daily[16] != 0 || trail.Daily[UsageDays-1] != 3 {
		t.Errorf("daily %v", trail.Daily)
	}
	if other.Account != acctOther || other.Findings != 1 || !other.FirstSeen.IsZero() || other.Name != "" {
		t.Errorf("finding-only row %+v", other)
	}

	u, err = st.AccountUsage(context.Background(), AccountFilter{Accounts: []string{acctProd}, Regions: []string{"us-east-1"}})
	if err != nil || len(u.Rows) != 1 || u.Rows[0].Region != "us-east-1" {
		t.Errorf("filtered: %v %+v", err, u)
	}
}

// The rollups must equal what the hourly rows say after writes, a second
// delivery of the same hours (the upsert path) and a prune.
func TestCoverageRollupFollowsCoverage(t *testing.T) {
	st := accountsGraph(t)
	ctx := context.Background()
	check := func(when string) {
		t.Helper()
		for _, q := range []string{
			`SELECT count(*) FROM (SELECT hour - hour % 86400 AS day, account, region,
				sum(CASE WHEN kind = 'cloudtrail' THEN records ELSE 0 END) AS trail,
				sum(CASE WHEN kind = 'cloudtrail' THEN 0 ELSE records END) AS flow FROM coverage GROUP BY 1, 2, 3
				EXCEPT SELECT day, account, region, trail, flow FROM coverage_day)`,
			`SELECT count(*) FROM (SELECT day, account, region, trail, flow FROM coverage_day
				EXCEPT SELECT hour - hour % 86400, account, region,
				sum(CASE WHEN kind = 'cloudtrail' THEN records ELSE 0 END),
				sum(CASE WHEN kind = 'cloudtrail' THEN 0 ELSE records END) FROM coverage GROUP BY 1, 2, 3)`,
			`SELECT count(*) FROM (SELECT account, region, min(hour), max(hour) FROM coverage GROUP BY 1, 2
				EXCEPT SELECT account, region, first_hour, last_hour FROM coverage_span)`,
			`SELECT count(*) FROM (SELECT account, region, first_hour, last_hour FROM coverage_span
				EXCEPT SELECT account, region, min(hour), max(hour) FROM coverage GROUP BY 1, 2)`,
		} {
			var n int
			if err := st.db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d rows differ (%v): %s", when, n, err, q)
			}
		}
	}
	check("after the first writes")
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDelta(Checkpoint{URI: "ct-again", Delivery: "trail", Complete: true})
	c := graph.APICall{EventID: "late", Time: time.Date(2026, 10, 5, 12, 30, 0, 0, time.UTC), Account: acctProd, Region: "us-east-1",
		Service: "s3.amazonaws.com", Name: "ListBuckets", Identity: graph.Identity{Type: "IAMUser", UserName: "alice", AccountID: acctProd}}
	d.AddCall(&c)
	commit(t, w, d)
	check("after an upsert")
	if _, err := w.Prune(ctx, 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	check("after a prune")
	u, err := st.AccountUsage(ctx, AccountFilter{Regions: []string{"us-east-1"}})
	if err != nil || len(u.Rows) != 1 || !u.Rows[0].FirstSeen.Equal(time.Date(2026, 10, 8, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("after the prune: %v %+v", err, u)
	}
}

func TestProfileNamesTheAccountAndFilters(t *testing.T) {
	st := accountsGraph(t)
	ctx := context.Background()
	p, err := st.Profile(ctx, ProfileRequest{Key: "arn:aws:iam::" + acctProd + ":user/alice", Panels: []string{PanelDetails}})
	if err != nil {
		t.Fatal(err)
	}
	if got := factValues(p.Details, "account"); len(got) != 1 || got[0] != acctProd+" (prod)" {
		t.Errorf("account fact %q", got)
	}
	p, err = st.Profile(ctx, ProfileRequest{Key: acctProd, Kind: graph.KindAccount, Panels: []string{PanelDetails}})
	if err != nil || len(factValues(p.Details, "name")) != 1 || factValues(p.Details, "name")[0] != "prod" {
		t.Errorf("account profile %v %+v", err, p)
	}
	scope := graph.Scope{Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		filter AccountFilter
		want   int64
	}{
		{AccountFilter{}, 44},
		{AccountFilter{Regions: []string{"us-east-1"}}, 44},
		{AccountFilter{Regions: []string{"eu-west-1"}}, 0},
		{AccountFilter{Accounts: []string{acctOther}}, 0},
	} {
		p, err := st.Profile(ctx, ProfileRequest{Key: "arn:aws:iam::" + acctProd + ":user/alice", Scope: &scope,
			Panels: []string{PanelAPIDetails}, Filter: tc.filter})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, r := range p.APIDetails.Rows {
			n += r.Success + r.Failure
		}
		if n != tc.want {
			t.Errorf("filter %v: %d calls, want %d", tc.filter, n, tc.want)
		}
	}
}

func factValues(d *graph.Details, name string) []string {
	var out []string
	for _, f := range d.Facts {
		if f.Name == name {
			out = append(out, f.Value)
		}
	}
	return out
}

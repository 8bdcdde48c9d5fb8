package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkAccountUsage reads the accounts page of 1,500 accounts in four
// Regions over 365 days. The page reads only the rollups the coverage
// triggers keep, so the benchmark writes those at full size (2.19 million
// daily rows, 6,000 spans) straight from SQL, as the triggers would have
// from 52 million hourly rows; TestCoverageRollupFollowsCoverage checks
// the triggers. Run: go test ./store -run '^$' -bench AccountUsage
func BenchmarkAccountUsage(b *testing.B) {
	ctx := context.Background()
	st, err := Open(ctx, b.TempDir()+"/g.db", Options{Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	end := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC).Unix()
	start := end - 365*86400
	setup := []string{
		`WITH RECURSIVE a(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM a WHERE n < 1499),
			r(name) AS (VALUES ('us-east-1'), ('us-west-2'), ('eu-west-1'), ('ap-southeast-2')),
			d(day) AS (SELECT ?1 UNION ALL SELECT day + 86400 FROM d WHERE day + 86400 < ?2)
		INSERT INTO coverage_day (day, account, region, trail, flow)
		SELECT d.day, printf('%012d', 100000000000 + a.n), r.name, 1000 + a.n % 97, 5000 + (d.day / 86400) % 13
		FROM d, a, r`,
		`WITH RECURSIVE a(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM a WHERE n < 1499),
			r(name) AS (VALUES ('us-east-1'), ('us-west-2'), ('eu-west-1'), ('ap-southeast-2'))
		INSERT INTO coverage_span (account, region, first_hour, last_hour)
		SELECT printf('%012d', 100000000000 + a.n), r.name, ?1, ?2 - 3600 FROM a, r`,
		`INSERT INTO meta (key, value) VALUES ('last_event', ?2 + 1800)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
	}
	for _, q := range setup {
		if _, err := st.wdb.ExecContext(ctx, q, start, end); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		u, err := st.AccountUsage(ctx, AccountFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(u.Rows) != 6000 {
			b.Fatalf("%d rows", len(u.Rows))
		}
	}
}

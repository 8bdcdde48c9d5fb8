// Command duckdb-peer answers one question over a folder of gzipped
// CloudTrail objects with DuckDB — how many events each principal made —
// so that `gumshoe bench` can set gumshoe's ingest beside it in the same
// run. It lives in its own module so that gumshoe does not depend on
// DuckDB.
//
//	go build -o ~/go/bin/gumshoe-duckdb-peer .
//	gumshoe-duckdb-peer DIR
//
// It prints one JSON object: the events counted, the principals and the
// seconds the query took (opening DuckDB excluded).
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gumshoe-duckdb-peer DIR (a folder of CloudTrail .json.gz objects)")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gumshoe-duckdb-peer:", err)
		os.Exit(1)
	}
}

// countByPrincipal reads every object's Records array and groups its
// events by the caller's ARN (or principal id when there is no ARN, as
// for AWSAccount and AWSService callers), the same grouping jq is asked
// for.
const countByPrincipal = `
SELECT coalesce(r.userIdentity.arn, r.userIdentity.principalId, '?') AS principal, count(*) AS events
FROM (
  SELECT unnest(Records) AS r
  FROM read_json(?, format = 'auto', records = true, maximum_object_size = 1073741824,
                 columns = {Records: 'STRUCT(userIdentity STRUCT(arn VARCHAR, principalId VARCHAR))[]'})
)
GROUP BY principal`

func run(dir string) error {
	glob := filepath.Join(dir, "**", "*.json.gz")
	if strings.ContainsAny(dir, "'") {
		return fmt.Errorf("%q: a folder name with a quote is not supported", dir)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		return err
	}
	began := time.Now()
	rows, err := db.Query(countByPrincipal, glob)
	if err != nil {
		return err
	}
	defer rows.Close()
	var events, principals int64
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return err
		}
		events += n
		principals++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"events": events, "principals": principals, "seconds": time.Since(began).Seconds(),
	})
}

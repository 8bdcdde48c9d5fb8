package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gumshoe-sec/gumshoe/store"
)

// queryCommand is `gumshoe query`: JSON answers for scripts and tests.
type queryCommand struct {
	stdout io.Writer
}

func (c *queryCommand) Usage() string {
	return `Usage: gumshoe query --db FILE QUERY

Prints JSON. Queries:
  stats      counts of events, flow records, findings and entities by kind
  findings   every finding, by severity then most recent activity
  problems   bad records reported by ingest runs, newest first
`
}

func (c *queryCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("query")
	db := fs.String("db", "", "")
	limit := fs.Int("limit", 1000, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *db == "" || len(rest) == 0 {
		return fmt.Errorf("%w: --db and a QUERY are required", errUsage)
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	var out any
	switch rest[0] {
	case "stats":
		out, err = st.Stats(ctx)
	case "findings":
		out, err = st.Findings(ctx)
	case "problems":
		out, err = st.Problems(ctx, *limit)
	default:
		return fmt.Errorf("%w: unknown query %q", errUsage, rest[0])
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

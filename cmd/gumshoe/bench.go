package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// benchCommand is `gumshoe bench`: the performance targets of the
// project, measured on this machine, with peers measured in the same run.
type benchCommand struct {
	stdout, stderr io.Writer
}

func (c *benchCommand) Usage() string {
	return `Usage: gumshoe bench [--only SECTIONS] [--runs N] [--work DIR] [--graph SIZE] [--json]

Measures gumshoe on this machine and prints medians beside the targets:
  ingest   CloudTrail events/s (500k events in 200 gzipped objects) and flow
           records/s (2M records), gzipped files to committed graph, by
           running gumshoe ingest on a fresh database RUNS times; peak
           memory (max RSS) and database size per million records
  peers    the same CloudTrail files through jq (count by principal) and
           through DuckDB (the same group-by; gumshoe-duckdb-peer, built
           from bench/duckdb), with the ratios to gumshoe's ingest
  freshness seconds from a CloudTrail object landing in a folder that
           gumshoe ingest --follow watches to its event being visible to a
           reader of the graph (the console's refresh), 5 times
  queries  p50/p95 of search, opening a finding, opening each entity
           kind's profile, and each panel at 1h, 1d, 30d and 365d scopes
           on the graph of SIZE (built once with gumshoe gen's preset and
           cached in the work folder)
  console  key press (Update + View) and profile open on that graph

Flags:
  --only LIST     sections, comma-separated (default all:
                  ingest,peers,freshness,queries,console)
  --runs N        runs per ingest and peer measurement (default 3)
  --events N      CloudTrail events in the ingest set (default 500000)
  --flows N       flow records in the ingest set (default 2000000)
  --work DIR      where generated data and graphs are cached
                  (default $TMPDIR/gumshoe-bench)
  --graph SIZE    the query graph: year (1,500 accounts, 365 days, 10M
                  events, 50M flows: ~1 h to build on 2 cores), large,
                  medium, small or tiny (default year)
  --samples N     entities per kind for the query section (default 50)
  --budget D      time one query line may take once it has 20 samples
                  (default 30s)
  --duckdb CMD    the DuckDB peer (default gumshoe-duckdb-peer on PATH)
  --cpuprofile-dir DIR
                  write a CPU profile of each ingest run there
                  (DIR/ingest-SET-RUN.pprof; go tool pprof -top FILE)
  --json          print the report as JSON
`
}

var benchSections = []string{"ingest", "peers", "freshness", "queries", "console"}

// benchConfig is what the sections share.
type benchConfig struct {
	runs, samples int
	events, flows int // sizes of the ingest sets
	work, graph   string
	duckdb        string
	profiles      string // where ingest runs write CPU profiles
	budget        time.Duration
	self          string // this executable, run as gumshoe ingest
	log           io.Writer
}

func (c *benchCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("bench")
	only := fs.String("only", strings.Join(benchSections, ","), "")
	asJSON := fs.Bool("json", false, "")
	cfg := benchConfig{log: c.stderr}
	fs.IntVar(&cfg.runs, "runs", 3, "")
	fs.IntVar(&cfg.samples, "samples", 50, "")
	fs.IntVar(&cfg.events, "events", 500_000, "")
	fs.IntVar(&cfg.flows, "flows", 2_000_000, "")
	fs.StringVar(&cfg.work, "work", filepath.Join(os.TempDir(), "gumshoe-bench"), "")
	fs.StringVar(&cfg.graph, "graph", "year", "")
	fs.StringVar(&cfg.duckdb, "duckdb", "gumshoe-duckdb-peer", "")
	fs.DurationVar(&cfg.budget, "budget", 30*time.Second, "")
	fs.StringVar(&cfg.profiles, "cpuprofile-dir", "", "")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	sections := strings.Split(*only, ",")
	for _, s := range sections {
		if !slices.Contains(benchSections, s) {
			return fmt.Errorf("%w: --only: no section %q (want %s)", errUsage, s, strings.Join(benchSections, ","))
		}
	}
	if cfg.runs < 1 || cfg.samples < 2 || cfg.events < 1 || cfg.flows < 1 {
		return fmt.Errorf("%w: --runs, --events and --flows must be at least 1 and --samples at least 2", errUsage)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cfg.self = self
	for _, dir := range []string{cfg.work, cfg.profiles} {
		if err := os.MkdirAll(cmp.Or(dir, cfg.work), 0o755); err != nil {
			return err
		}
	}
	rep := &benchReport{Machine: machineLine(), Runs: cfg.runs}
	fmt.Fprintf(c.stderr, "gumshoe bench: %s; work folder %s\n", rep.Machine, cfg.work)
	has := func(s string) bool { return slices.Contains(sections, s) }
	if has("ingest") || has("peers") {
		if err := benchIngest(ctx, &cfg, rep, has("ingest"), has("peers")); err != nil {
			return err
		}
	}
	if has("freshness") {
		if err := benchFreshness(ctx, &cfg, rep); err != nil {
			return err
		}
	}
	if has("queries") || has("console") {
		if err := benchGraphSections(ctx, &cfg, rep, has("queries"), has("console")); err != nil {
			return err
		}
	}
	rep.LoadAverage = loadAverage()
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.print(c.stdout)
	return nil
}

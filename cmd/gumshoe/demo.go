package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// demoCommand is `gumshoe demo`: the two reference investigations,
// generated as AWS-format logs and read through the real ingest path.
type demoCommand struct {
	stdout, stderr io.Writer
}

func (c *demoCommand) Usage() string {
	return `Usage: gumshoe demo [--build-only] [--db FILE] [--logs DIR]

Writes the demo organisation's logs (75 days of CloudTrail from an
organisation trail and an account trail, VPC Flow Logs, GuardDuty findings)
into a temporary folder, ingests them into a graph and opens the console on
it (on a terminal; otherwise it prints a summary of the graph).

Flags:
  --db FILE      write the graph to FILE (default: a temporary file); the
                 logs go to FILE.logs/ and GeoIP databases to FILE.geoip/
  --logs DIR     write the generated logs to DIR instead
  --build-only   build the graph and exit
`
}

func (c *demoCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("demo")
	dbPath := fs.String("db", "", "")
	logs := fs.String("logs", "", "")
	buildOnly := fs.Bool("build-only", false, "")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	tmp, err := os.MkdirTemp("", "gumshoe-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// The logs stay as long as the graph does: raw events are re-read
	// from them. A graph in a file the user named keeps them beside it.
	switch {
	case *logs != "":
	case *dbPath != "":
		*logs = *dbPath + ".logs"
	default:
		*logs = filepath.Join(tmp, "logs")
	}
	if *dbPath == "" {
		*dbPath = filepath.Join(tmp, "demo.db")
	}
	sum, err := buildDemo(ctx, *logs, *dbPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "demo graph: %s (%d CloudTrail events, %d flow records, %d findings in %.1fs)\n",
		*dbPath, sum.Total.Ingested.CloudTrailEvents, sum.Total.Ingested.FlowRecords,
		sum.Total.Ingested.Findings, sum.Seconds)
	if *buildOnly {
		return nil
	}
	if !isTerminal(c.stdout) {
		return printGraphSummary(ctx, c.stdout, *dbPath)
	}
	return runConsole(ctx, consoleConfig{db: *dbPath, geo: &geoFlags{}})
}

// buildDemo writes the demo logs into dir and ingests them into dbPath.
func buildDemo(ctx context.Context, dir, dbPath string) (ingest.Summary, error) {
	if _, err := demo.Write(dir); err != nil {
		return ingest.Summary{}, fmt.Errorf("write demo logs: %w", err)
	}
	// The demo's own GeoIP databases go beside the graph, where the
	// console and `gumshoe query` look for them.
	if _, _, err := demo.WriteGeo(geoDir(dbPath)); err != nil {
		return ingest.Summary{}, fmt.Errorf("write demo GeoIP databases: %w", err)
	}
	src, err := ingest.NewDirSource(dir)
	if err != nil {
		return ingest.Summary{}, err
	}
	st, err := store.Open(ctx, dbPath, store.Options{Write: true})
	if err != nil {
		return ingest.Summary{}, err
	}
	defer st.Close()
	return (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx)
}

// printGraphSummary shows what the graph holds, where no terminal is.
func printGraphSummary(ctx context.Context, w io.Writer, dbPath string) error {
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "entities:")
	for _, k := range graph.Kinds {
		if n := stats.Entities[k.String()]; n > 0 {
			fmt.Fprintf(w, " %s %d", k, n)
		}
	}
	fmt.Fprintln(w)
	findings, err := st.Findings(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "findings:")
	for _, f := range findings {
		fmt.Fprintf(w, "  %4.1f  %-45s  %s  %s\n", f.Severity, graph.Sanitize(f.Type),
			f.LastSeen.Format("2006-01-02 15:04"), graph.Sanitize(f.ID))
	}
	return nil
}

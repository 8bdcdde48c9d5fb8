package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// sourcesCommand is `gumshoe sources`: what each source delivered and
// whether it is keeping up.
type sourcesCommand struct {
	stdout io.Writer
	// now is the wall clock: a source's lag is operational, unlike the
	// graph's "now", which is its newest event.
	now func() time.Time
}

func (c *sourcesCommand) Usage() string {
	return `Usage: gumshoe sources [--db FILE] [--config FILE] [--json]

Lists the configured sources, then every other source an ingest has read
into the graph (marked "not configured"): what each delivered, the last
object it wrote, how far behind its data and its polls are, and its
errors. Lags are from the wall clock.

Flags:
  --db FILE      the graph (default $GUMSHOE_DB, else db in the configuration
                 file, else ~/.gumshoe/graph.db)
  --json         one JSON object per source, in an array, for scripts
` + configUsage
}

// sourceRow is one source as gumshoe sources shows it.
type sourceRow struct {
	Kind       string `json:"kind"`
	Configured bool   `json:"configured"`
	store.SourceState
	// DataLag is the time since the start of the newest hour of data the
	// source delivered; PollLag the time since its last successful poll.
	DataLagSeconds *int64 `json:"data_lag_seconds,omitempty"`
	PollLagSeconds *int64 `json:"poll_lag_seconds,omitempty"`
}

func (c *sourcesCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("sources")
	db := fs.String("db", defaultDB(), "")
	configFile := addConfigFlag(fs)
	asJSON := fs.Bool("json", false, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, rest[0])
	}
	cfg, err := loadConfig(*configFile)
	if err != nil {
		return err
	}
	if err := cfg.applyTo(fs); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	states, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	rows := sourceRows(cfg, states, c.clock())
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return c.print(rows)
}

func (c *sourcesCommand) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// sourceRows puts the configured sources first, in the file's order, then
// the others the graph has state of, by name. A configured source is
// matched by the name the ingester gives it: its absolute path, or its URI.
func sourceRows(cfg *config, states []store.SourceState, now time.Time) []sourceRow {
	byName := map[string]store.SourceState{}
	for _, s := range states {
		byName[s.Source] = s
	}
	var rows []sourceRow
	for _, s := range cfg.Sources {
		state, ok := byName[s.URI]
		if !ok {
			state = store.SourceState{Source: s.URI}
		}
		delete(byName, s.URI)
		rows = append(rows, newSourceRow(state, true, now))
	}
	for _, s := range states {
		if _, left := byName[s.Source]; left {
			rows = append(rows, newSourceRow(s, false, now))
		}
	}
	return rows
}

func newSourceRow(s store.SourceState, configured bool, now time.Time) sourceRow {
	r := sourceRow{Kind: sourceKind(s.Source), Configured: configured, SourceState: s}
	if !s.NewestHour.IsZero() {
		lag := int64(now.Sub(s.NewestHour).Seconds())
		r.DataLagSeconds = &lag
	}
	if !s.LastSuccess.IsZero() {
		lag := int64(now.Sub(s.LastSuccess).Seconds())
		r.PollLagSeconds = &lag
	}
	return r
}

// sourceKind names a source's kind from its name: the URI scheme, or
// folder or file for a path.
func sourceKind(name string) string {
	if scheme, _, ok := strings.Cut(name, "://"); ok {
		return scheme
	}
	fi, err := os.Stat(name)
	switch {
	case err != nil:
		return "path"
	case fi.IsDir():
		return "folder"
	}
	return "file"
}

// print writes the table, then each source's errors in full below it.
func (c *sourcesCommand) print(rows []sourceRow) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(c.stdout, "no sources: none is configured and no ingest has run on this graph")
		return err
	}
	now := c.clock()
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tSOURCE\tOBJECTS\tRECORDS\tBAD\tLAST OBJECT\tINGESTED\tDATA LAG\tPOLLED\tSTATUS")
	for _, r := range rows {
		last := "-"
		if r.LastObject != "" {
			last = filepath.Base(strings.TrimPrefix(r.LastObject, "file://"))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", r.Kind, graph.Sanitize(r.Source),
			r.Objects, r.Records, r.Bad, graph.Sanitize(last), ago(now, r.LastObjectAt),
			ago(now, r.NewestHour), ago(now, r.LastSuccess), r.status())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		details := r.details(now)
		if len(details) == 0 {
			continue
		}
		fmt.Fprintf(c.stdout, "\n%s:\n", graph.Sanitize(r.Source))
		for _, d := range details {
			fmt.Fprintln(c.stdout, "  "+graph.Sanitize(d))
		}
	}
	return nil
}

// status is one word on the source's health.
func (r sourceRow) status() string {
	var words []string
	switch {
	case r.LastPoll.IsZero():
		words = append(words, "never polled")
	case r.LastErrorAt.Equal(r.LastPoll) && r.LastError != "":
		words = append(words, "failing")
	default:
		words = append(words, "ok")
	}
	if !r.Configured {
		words = append(words, "not configured")
	}
	return strings.Join(words, ", ")
}

// details are the lines below the table: the last object in full, the
// newest hour, the last listing error and the last bad record.
func (r sourceRow) details(now time.Time) []string {
	var out []string
	if r.LastObject != "" {
		out = append(out, fmt.Sprintf("last object  %s, ingested %s", strings.TrimPrefix(r.LastObject, "file://"), when(now, r.LastObjectAt)))
	}
	if !r.NewestHour.IsZero() {
		out = append(out, fmt.Sprintf("newest data  the hour from %s", when(now, r.NewestHour)))
	}
	if r.LastError != "" {
		out = append(out, fmt.Sprintf("last error   %s: %s", when(now, r.LastErrorAt), oneLine(r.LastError)))
	}
	if b := r.LastBad; b != nil {
		e := strings.TrimPrefix(b.Object, "file://")
		if b.Line > 0 {
			e = fmt.Sprintf("%s:%d", e, b.Line)
		} else {
			e = fmt.Sprintf("%s record %d", e, b.Index)
		}
		out = append(out, fmt.Sprintf("last bad     %s: %s (run %d at %s; all %d: gumshoe ingest --problems)",
			e, oneLine(b.Reason), b.Run, when(now, b.At), r.Bad))
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ago is a short age for the table: "45s", "3m", "2h10m", "4d6h", "-".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	days, h := int(d.Hours())/24, int(d.Hours())%24
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

// when is a time in UTC with its age.
func when(now, t time.Time) string {
	return fmt.Sprintf("%s (%s ago)", t.UTC().Format("2006-01-02 15:04:05"), ago(now, t))
}

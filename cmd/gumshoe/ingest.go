package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// ingestCommand is `gumshoe ingest`.
type ingestCommand struct {
	stdout, stderr io.Writer
}

func (c *ingestCommand) Usage() string {
	return `Usage: gumshoe ingest --db FILE [flags] [SOURCE...]

Reads files, folders and S3 buckets of CloudTrail logs (S3 objects, JSON
arrays, JSON lines, EventBridge events), VPC Flow Logs (any header, gzipped
or not, or Parquet) and GuardDuty findings into the graph database FILE.
Each object is read once: re-running reads only what is new, grown or was
interrupted. Without SOURCEs, the configuration file's sources are read,
each with its own options; SOURCEs replace them.

Flags:
  --db FILE      the graph database (created if missing; default $GUMSHOE_DB,
                 else db in the configuration file)
  --follow       keep watching the sources for new or grown files
  --interval D   how often --follow looks again (default 1s)
  --json         print the summary as JSON on stdout
  --wait         wait for another process writing FILE instead of refusing
  --workers N    decode workers (default: one per core; 16 with s3://)
  --keep-raw DIR keep a compressed copy of every object read in DIR, for
                 sources that will not stay available (raw events are
                 otherwise re-read from the source)
  --problems     list the bad records of past runs (newest first) and exit
  --cpuprofile F write a Go CPU profile of the run to F (go tool pprof F)
` + retentionUsage + configUsage + sourceFlagsUsage + guardDutySourceUsage + `
Exit status is 0 unless a source could not be read at all or the database
could not be written; bad records are reported and skipped.
`
}

func (c *ingestCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("ingest")
	db := fs.String("db", os.Getenv("GUMSHOE_DB"), "")
	configFile := addConfigFlag(fs)
	follow := fs.Bool("follow", false, "")
	interval := fs.Duration("interval", time.Second, "")
	asJSON := fs.Bool("json", false, "")
	wait := fs.Bool("wait", false, "")
	workers := fs.Int("workers", 0, "")
	keepRaw := fs.String("keep-raw", "", "")
	cpuProfile := fs.String("cpuprofile", "", "")
	retention := addRetentionFlag(fs)
	problems := fs.Bool("problems", false, "")
	sf := addSourceFlags(fs)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(*configFile)
	if err != nil {
		return err
	}
	if err := cfg.applyTo(fs); err != nil {
		return err
	}
	specs := cfg.sourceSpecs(paths, fs, sf)
	if *db != "" && *problems {
		return c.printProblems(ctx, *db, *asJSON)
	}
	if *db == "" || len(specs) == 0 {
		return fmt.Errorf("%w: --db and at least one SOURCE (or a configuration file with both) are required", errUsage)
	}
	sources, err := openSources(ctx, specs)
	if err != nil {
		return err
	}
	if *workers == 0 {
		*workers = defaultWorkers(specURIs(specs))
	}
	st, err := store.Open(ctx, *db, store.Options{Write: true, Wait: *wait})
	if err != nil {
		return err
	}
	defer st.Close()
	useGraph(sources, st)
	namesAtIngest(ctx, st, specs, "", func(line string) { fmt.Fprintln(c.stderr, "notice:", line) })
	keep, err := retention.duration()
	if err != nil {
		return err
	}
	in := &ingest.Ingester{Store: st, Sources: sources, Follow: *follow, PollInterval: *interval,
		Workers: *workers, KeepRawDir: *keepRaw, Retention: keep}
	var bar *progressLine
	if isTerminal(c.stderr) && !*asJSON {
		bar = &progressLine{w: c.stderr}
		in.OnProgress, in.ProgressEvery = bar.show, 200*time.Millisecond
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	sum, err := in.Run(ctx)
	stopProfile()
	bar.clear()
	if err != nil {
		return err
	}
	if err := c.print(sum, *asJSON); err != nil {
		return err
	}
	for _, s := range sum.Sources {
		if s.Error != "" {
			return fmt.Errorf("source %s could not be read: %s", s.Source, s.Error)
		}
	}
	return nil
}

func (c *ingestCommand) print(sum ingest.Summary, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	for _, s := range sum.Sources {
		fmt.Fprintln(c.stdout, s.Line())
		for _, n := range s.Notices {
			fmt.Fprintln(c.stdout, "  notice:", n)
		}
		for _, p := range s.Problems {
			fmt.Fprintln(c.stdout, "  bad:", graph.Sanitize(p.String()))
		}
		if more := s.Bad - int64(len(s.Problems)); more > 0 {
			fmt.Fprintf(c.stdout, "  ... and %d more bad records (gumshoe query --db FILE problems)\n", more)
		}
	}
	fmt.Fprintf(c.stdout, "%.1fs, %.0f records/s\n", sum.Seconds, float64(sum.Total.RecordsRead)/max(sum.Seconds, 1e-9))
	return nil
}

// printProblems lists the bad records that past runs reported.
func (c *ingestCommand) printProblems(ctx context.Context, db string, asJSON bool) error {
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	problems, err := st.Problems(ctx, 10000)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(problems)
	}
	for _, p := range problems {
		e := ingest.ProblemEntry{Object: strings.TrimPrefix(p.Object, "file://"), Line: p.Line, Record: p.Index, Reason: p.Reason}
		fmt.Fprintf(c.stdout, "run %d: %s\n", p.Run, graph.Sanitize(e.String()))
	}
	if len(problems) == 0 {
		fmt.Fprintln(c.stdout, "no bad records")
	}
	return nil
}

// progressLine redraws one status line on a terminal.
type progressLine struct {
	w io.Writer
}

func (p *progressLine) show(pr ingest.Progress) {
	state := "reading"
	if pr.Idle {
		state = "waiting for new files"
	}
	last := pr.LastObject
	if len(last) > 40 {
		last = "…" + last[len(last)-39:]
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s: %d files, %d records, %d bad, %.0f records/s  %s",
		state, pr.Files, pr.Records, pr.Bad, pr.PerSecond, graph.Sanitize(last))
}

func (p *progressLine) clear() {
	if p != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// startCPUProfile profiles the run into path ("" for none): where ingest
// spends its time on a user's own data is the question a slow ingest
// raises first.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

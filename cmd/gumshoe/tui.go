package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui"
)

// tuiCommand is `gumshoe tui` (and `gumshoe` alone): the console, with
// the ingest goroutine following the given sources.
type tuiCommand struct {
	// openKey makes it `gumshoe open KEY`.
	openKey bool
}

func (c *tuiCommand) Usage() string {
	if c.openKey {
		return `Usage: gumshoe open KEY [--scope RANGE] [--db FILE] [SOURCE...]

Opens the console straight on the profile of a finding id or entity key,
for a SIEM, a chat bot or a shell alias to pivot into an investigation.
Flags as for gumshoe tui.
`
	}
	return `Usage: gumshoe tui [--db FILE] [--scope RANGE] [SOURCE...]

Opens the investigation console on a graph. With SOURCEs (files, folders,
s3:// buckets), an ingest goroutine follows them while the console runs, and the
status bar shows its progress; new data refreshes the visible page. Without
SOURCEs, it follows the configuration file's sources.

Flags:
  --db FILE      the graph (default $GUMSHOE_DB, else db in the configuration
                 file, else ~/.gumshoe/graph.db)
  --scope RANGE  the starting scope time (see gumshoe query -h)
  --interval D   how often the sources are polled (default 1s)
  --keep-raw DIR keep compressed copies of what is read, and read raw
                 events from them when the sources are gone
` + retentionUsage + geoFlagsUsage + configUsage + sourceFlagsUsage + guardDutySourceUsage + `
Set NO_COLOR to draw without colour.
`
}

func defaultDB() string {
	if p := os.Getenv("GUMSHOE_DB"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "graph.db"
	}
	return filepath.Join(home, ".gumshoe", "graph.db")
}

func (c *tuiCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("tui")
	db := fs.String("db", defaultDB(), "")
	scope := fs.String("scope", "", "")
	interval := fs.Duration("interval", time.Second, "")
	keepRaw := fs.String("keep-raw", "", "")
	retention := addRetentionFlag(fs)
	gf := addGeoFlags(fs)
	sf := addSourceFlags(fs)
	configFile := addConfigFlag(fs)
	rest, err := parseFlags(fs, args)
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
	var start graph.Ref
	if c.openKey {
		if len(rest) == 0 {
			return fmt.Errorf("%w: open needs a KEY", errUsage)
		}
		start.Key, rest = rest[0], rest[1:]
	}
	keep, err := retention.duration()
	if err != nil {
		return err
	}
	specs := cfg.sourceSpecs(rest, fs, sf)
	archiver, err := consoleArchiver(specs, sf)
	if err != nil {
		return err
	}
	return runConsole(ctx, consoleConfig{db: *db, scope: *scope, sources: specs, interval: *interval, geo: gf,
		start: start, keepRaw: *keepRaw, retention: keep, guardDuty: archiver})
}

// consoleConfig is what the console needs to start.
type consoleConfig struct {
	db, scope string
	// sources are followed by the ingest goroutine, each with its options
	// (AWS credentials, --since).
	sources   []sourceSpec
	interval  time.Duration
	geo       *geoFlags
	start     graph.Ref
	keepRaw   string
	retention time.Duration
	// guardDuty archives findings through the API (`a`); nil: locally only.
	guardDuty tui.GuardDutyArchiver
}

// runConsole opens the graph, starts the ingest goroutine for the sources
// and runs the console until the user quits.
func runConsole(ctx context.Context, cfg consoleConfig) error {
	if _, err := os.Stat(cfg.db); errors.Is(err, os.ErrNotExist) && len(cfg.sources) == 0 {
		return fmt.Errorf("no graph at %s: build one with `gumshoe ingest --db %s SOURCE` or try `gumshoe demo`", cfg.db, cfg.db)
	}
	st, err := store.Open(ctx, cfg.db, store.Options{Write: len(cfg.sources) > 0})
	if err != nil {
		return err
	}
	defer st.Close()
	gdb, err := cfg.geo.open(st, cfg.db)
	if err != nil {
		return err
	}
	if gdb != nil {
		defer gdb.Close()
	}
	opts := tui.Options{Backend: tui.StoreBackend{Store: st, KeepRawDir: cfg.keepRaw, GuardDuty: cfg.guardDuty}, Color: os.Getenv("NO_COLOR") == "", Start: cfg.start}
	if cfg.start.Key != "" {
		if err := resolveStart(ctx, st, &opts.Start); err != nil {
			return err
		}
	}
	if cfg.scope != "" {
		now, err := st.Now(ctx)
		if err != nil {
			return err
		}
		sc, err := graph.ParseScope(cfg.scope, now)
		if err != nil {
			return fmt.Errorf("%w: --scope: %v", errUsage, err)
		}
		opts.Scope = &sc
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ingestDone chan error
	if len(cfg.sources) > 0 {
		progress := make(chan ingest.Progress, 1)
		opts.Progress, opts.Ingesting = progress, specURIs(cfg.sources)
		if ingestDone, err = startIngest(ctx, st, cfg, progress); err != nil {
			return err
		}
	}
	_, err = tea.NewProgram(tui.New(opts), tea.WithAltScreen(), tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	cancel()
	if ingestDone != nil {
		if ierr := <-ingestDone; ierr != nil && err == nil {
			err = ierr
		}
	}
	return err
}

// resolveStart finds the kind of the entity gumshoe open names.
func resolveStart(ctx context.Context, st *store.Store, ref *graph.Ref) error {
	p, err := st.Profile(ctx, store.ProfileRequest{Key: ref.Key, Panels: []string{store.PanelDetails}})
	if err != nil {
		return err
	}
	*ref = p.Ref
	return nil
}

// startIngest runs the ingest goroutine; its progress reaches the console
// through a channel of one, the newest report replacing an unread one.
func startIngest(ctx context.Context, st *store.Store, cfg consoleConfig, progress chan ingest.Progress) (chan error, error) {
	sources, err := openSources(ctx, cfg.sources)
	if err != nil {
		return nil, err
	}
	useGraph(sources, st)
	in := &ingest.Ingester{Store: st, Sources: sources, Follow: true, PollInterval: cfg.interval, KeepRawDir: cfg.keepRaw, Retention: cfg.retention,
		Workers:       defaultWorkers(specURIs(cfg.sources)),
		ProgressEvery: 250 * time.Millisecond, OnProgress: func(p ingest.Progress) {
			select {
			case <-progress:
			default:
			}
			progress <- p
		}}
	done := make(chan error, 1)
	go func() {
		_, err := in.Run(ctx)
		close(progress)
		done <- err
	}()
	return done, nil
}

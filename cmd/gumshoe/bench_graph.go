package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/geo"
	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui"
)

// benchGraph is a preset world's graph, built once in the work folder.
type benchGraph struct {
	Dir             string          `json:"-"`
	Preset          synth.Preset    `json:"preset"`
	Written         synth.Written   `json:"written"`
	GenerateSeconds float64         `json:"generate_seconds"`
	IngestSeconds   float64         `json:"ingest_seconds"`
	IngestPeakRSS   int64           `json:"ingest_peak_rss_bytes"`
	Ingested        ingest.Ingested `json:"ingested"`
	DBBytes         int64           `json:"db_bytes"`
	Built           time.Time       `json:"built"`
}

func (g *benchGraph) db() string      { return filepath.Join(g.Dir, "graph.db") }
func (g *benchGraph) logs() string    { return filepath.Join(g.Dir, "logs") }
func (g *benchGraph) geoCity() string { return filepath.Join(g.Dir, "geoip", demo.GeoCityFile) }
func (g *benchGraph) geoASN() string  { return filepath.Join(g.Dir, "geoip", demo.GeoASNFile) }

func (g *benchGraph) describe() string {
	return fmt.Sprintf("%s graph: %d accounts, %d days, %d CloudTrail events, %d flow records, %d finding updates; "+
		"%s of gzipped logs in %d objects, database %s; generated in %.0fs, ingested in %.0fs (peak RSS %s)",
		g.Preset.Name, g.Preset.Accounts, g.Preset.Days, g.Ingested.CloudTrailEvents, g.Ingested.FlowRecords, g.Ingested.Findings,
		humanBytes(g.Written.CompressedBytes), g.Written.Objects, humanBytes(g.DBBytes), g.GenerateSeconds, g.IngestSeconds,
		humanBytes(g.IngestPeakRSS))
}

// loadBenchGraph returns the graph of the preset, generating its logs
// and ingesting them (with this executable's gumshoe ingest) when the
// work folder has no finished build.
func loadBenchGraph(ctx context.Context, cfg *benchConfig) (*benchGraph, error) {
	p, err := synth.LookupPreset(cfg.graph)
	if err != nil {
		return nil, fmt.Errorf("%w: --graph: %v", errUsage, err)
	}
	g := &benchGraph{Preset: p, Dir: filepath.Join(cfg.work, fmt.Sprintf("graph-%s-w%d-s%d-a%d-d%d-e%d-f%d-g%d",
		p.Name, synth.WorldVersion, p.Seed, p.Accounts, p.Days, p.Events, p.Flows, p.Findings))}
	info := filepath.Join(g.Dir, "info.json")
	if b, err := os.ReadFile(info); err == nil {
		if err := json.Unmarshal(b, g); err == nil {
			return g, nil
		}
	}
	if err := g.generate(cfg); err != nil {
		return nil, err
	}
	removeDB(g.db())
	fmt.Fprintf(cfg.log, "bench: ingesting %s into %s\n", g.logs(), g.db())
	profile := ""
	if cfg.profiles != "" {
		profile = filepath.Join(cfg.profiles, "ingest-graph-"+g.Preset.Name+".pprof")
	}
	r, err := ingestInto(ctx, cfg, g.db(), g.logs(), profile)
	if err != nil {
		return nil, err
	}
	g.IngestSeconds, g.IngestPeakRSS, g.DBBytes = r.wall.Seconds(), r.peakRSS, r.dbBytes
	g.Ingested, g.Built = r.sum.Total.Ingested, time.Now().UTC()
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.log, "bench: %s\n", g.describe())
	return g, os.WriteFile(info, b, 0o644)
}

// generate writes the preset's logs unless a finished copy is there.
func (g *benchGraph) generate(cfg *benchConfig) error {
	done := filepath.Join(g.logs(), ".complete")
	if b, err := os.ReadFile(done); err == nil {
		var m struct {
			Written synth.Written `json:"written"`
			Seconds float64       `json:"seconds"`
		}
		if json.Unmarshal(b, &m) == nil {
			g.Written, g.GenerateSeconds = m.Written, m.Seconds
			return nil
		}
	}
	os.RemoveAll(g.logs())
	fmt.Fprintf(cfg.log, "bench: generating the %s world into %s\n", g.Preset.Name, g.logs())
	began := time.Now()
	w, err := synth.Write(g.logs(), g.Preset.Options())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(g.geoCity()), 0o755); err != nil {
		return err
	}
	if err := mmdbgen.Write(g.geoCity(), g.geoASN(), synth.Places()); err != nil {
		return err
	}
	g.Written, g.GenerateSeconds = w, time.Since(began).Seconds()
	b, _ := json.Marshal(map[string]any{"written": w, "seconds": g.GenerateSeconds})
	return os.WriteFile(done, b, 0o644)
}

// benchGraphSections measures queries and the console on a preset graph.
func benchGraphSections(ctx context.Context, cfg *benchConfig, rep *benchReport, queries, console bool) error {
	g, err := loadBenchGraph(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Graph = g.describe()
	// Opening once for writing applies migrations newer than the build.
	if st, err := store.Open(ctx, g.db(), store.Options{Write: true, Wait: true}); err != nil {
		return err
	} else if err := st.Close(); err != nil {
		return err
	}
	st, err := store.Open(ctx, g.db(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	gdb, err := geo.Open(g.geoCity(), g.geoASN())
	if err != nil {
		return err
	}
	defer gdb.Close()
	st.SetLocator(gdb)
	samples := func(kind graph.Kind) ([]perf.Sample, error) {
		return perf.Samples(ctx, st.DB(), g.Dir, kind, cfg.samples)
	}
	var cases []perf.Case
	if queries {
		for _, build := range []func() ([]perf.Case, error){
			func() ([]perf.Case, error) { return perf.SearchCases(st, samples) },
			func() ([]perf.Case, error) { return perf.PageCases(ctx, st) },
			func() ([]perf.Case, error) { return perf.ProfileCases(st, samples, tui.OpenPanels) },
			func() ([]perf.Case, error) { return perf.PanelCases(st, samples) },
		} {
			cs, err := build()
			if err != nil {
				return err
			}
			cases = append(cases, cs...)
		}
	}
	nQueries := len(cases)
	if console {
		for _, sz := range [][2]int{{120, 40}, {200, 60}} {
			cs, err := tui.ConsoleCases(st, samples, sz[0], sz[1])
			if err != nil {
				return err
			}
			cases = append(cases, cs...)
		}
	}
	for i, c := range cases {
		t, err := perf.Sweep(ctx, c, 1, cfg.budget)
		if err != nil {
			return err
		}
		line := latencyResult{Name: c.Name, Samples: t.Len(), P50: msOf(t.Quantile(0.5)), P95: msOf(t.Quantile(0.95)),
			Max: msOf(t.Quantile(1)), Target: msOf(c.Target)}
		fmt.Fprintf(cfg.log, "bench: %-60s p50 %8.2f ms  p95 %8.2f ms  (%d)\n", line.Name, line.P50, line.P95, line.Samples)
		if i < nQueries {
			rep.Queries = append(rep.Queries, line)
		} else {
			rep.Console = append(rep.Console, line)
		}
	}
	return nil
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

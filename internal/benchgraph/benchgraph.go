// Package benchgraph builds the large synthetic behavior graph that the
// query and console benchmarks read, once per machine, and picks the
// entities they sample.
//
// The graph is gen/synth's world (Options.Days): months of CloudTrail
// from IAM users, Identity Center users and their role sessions (with
// chains and cross-account assumptions), instances that log VPC flows,
// and GuardDuty findings about both, ingested through the real ingest
// path. It is cached under os.TempDir() in a folder named after the
// generator's version and the size, so repeated benchmark runs (and the
// store and tui benchmarks running side by side) build it once; a file
// lock makes a second process wait for the first one's build.
//
// GUMSHOE_BENCH_GRAPH picks the size, a gen/synth preset: large (the
// default), year (the scale of the targets; hours to build), medium or
// small (a quick look). GUMSHOE_BENCH_DB, when set, names a copy of the
// graph's database to query instead (say, one with an index added by
// hand, to measure it before it becomes a migration).
package benchgraph

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/geo"
	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// Size is what the generator is asked for: one of gen/synth's presets.
type Size = synth.Preset

// EnvSize is the environment variable that picks the size.
const EnvSize = "GUMSHOE_BENCH_GRAPH"

// SizeFromEnv is the size GUMSHOE_BENCH_GRAPH names, large by default.
func SizeFromEnv() (Size, error) {
	name := os.Getenv(EnvSize)
	if name == "" {
		name = "large"
	}
	s, err := synth.LookupPreset(name)
	if err != nil {
		return s, fmt.Errorf("%s: %v", EnvSize, err)
	}
	return s, nil
}

// Graph is a built graph.
type Graph struct {
	Dir     string
	DB      string
	GeoCity string
	GeoASN  string
	Info    Info
}

// Info describes a build, for benchmark reports.
type Info struct {
	Size            Size            `json:"size"`
	Written         synth.Written   `json:"written"`
	GenerateSeconds float64         `json:"generate_seconds"`
	IngestSeconds   float64         `json:"ingest_seconds"`
	Ingested        ingest.Ingested `json:"ingested"`
	DBBytes         int64           `json:"db_bytes"`
	Stats           store.Stats     `json:"stats"`
	Built           time.Time       `json:"built"`
}

var cache struct {
	sync.Mutex
	graphs map[string]*Graph
}

// Get returns the graph of the size GUMSHOE_BENCH_GRAPH names, building
// it if no cached copy exists. Call it from benchmarks only: the first
// build takes minutes.
func Get(tb testing.TB) *Graph {
	tb.Helper()
	size, err := SizeFromEnv()
	if err != nil {
		tb.Fatal(err)
	}
	return GetSize(tb, size)
}

// GetSize returns the graph of one size, building it if needed.
func GetSize(tb testing.TB, size Size) *Graph {
	tb.Helper()
	cache.Lock()
	defer cache.Unlock()
	key := dirName(size)
	if g, ok := cache.graphs[key]; ok {
		return g
	}
	g, err := build(size)
	if err != nil {
		tb.Fatal(err)
	}
	if cache.graphs == nil {
		cache.graphs = map[string]*Graph{}
	}
	cache.graphs[key] = g
	return g
}

func dirName(s Size) string {
	return fmt.Sprintf("gumshoe-benchgraph-w%d-%s-s%d-a%d-d%d-e%d-f%d-g%d", synth.WorldVersion, s.Name, s.Seed,
		s.Accounts, s.Days, s.Events, s.Flows, s.Findings)
}

// build makes (or finds) the graph, holding a lock file so that another
// process waits for the build instead of making its own.
func build(size Size) (*Graph, error) {
	dir := filepath.Join(os.TempDir(), dirName(size))
	lock, err := os.OpenFile(dir+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	g := &Graph{Dir: dir, DB: filepath.Join(dir, "graph.db"),
		GeoCity: filepath.Join(dir, "geo", "city.mmdb"), GeoASN: filepath.Join(dir, "geo", "asn.mmdb")}
	if b, err := os.ReadFile(filepath.Join(dir, "info.json")); err == nil {
		if err := json.Unmarshal(b, &g.Info); err == nil {
			// Apply migrations newer than the build (an index added
			// since); cheap when there are none.
			return g, migrate(g.DB)
		}
	}
	os.RemoveAll(dir)
	if err := g.make(size); err != nil {
		return nil, err
	}
	return g, nil
}

func migrate(db string) error {
	st, err := store.Open(context.Background(), db, store.Options{Write: true, Wait: true})
	if err != nil {
		return err
	}
	return st.Close()
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchgraph: "+format+"\n", args...)
}

func (g *Graph) make(size Size) error {
	ctx := context.Background()
	logs := filepath.Join(g.Dir, "logs")
	info := Info{Size: size, Built: time.Now().UTC()}
	progress("generating %s graph (%d events, %d flow records, %d findings over %d days) in %s",
		size.Name, size.Events, size.Flows, size.Findings, size.Days, g.Dir)
	t0 := time.Now()
	w, err := synth.Write(logs, size.Options())
	if err != nil {
		return err
	}
	info.Written, info.GenerateSeconds = w, time.Since(t0).Seconds()
	progress("generated %d objects (%d MB) in %.0fs; ingesting", w.Objects, w.CompressedBytes>>20, info.GenerateSeconds)
	if err := os.MkdirAll(filepath.Dir(g.GeoCity), 0o755); err != nil {
		return err
	}
	if err := mmdbgen.Write(g.GeoCity, g.GeoASN, synth.Places()); err != nil {
		return err
	}
	st, err := store.Open(ctx, g.DB, store.Options{Write: true})
	if err != nil {
		return err
	}
	src, err := ingest.NewDirSource(logs)
	if err != nil {
		st.Close()
		return err
	}
	t0 = time.Now()
	sum, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx)
	info.IngestSeconds = time.Since(t0).Seconds()
	if err == nil && sum.Total.Bad > 0 {
		err = fmt.Errorf("ingest reported %d bad records", sum.Total.Bad)
	}
	if err != nil {
		st.Close()
		return err
	}
	info.Ingested = sum.Total.Ingested
	if info.Stats, err = st.Stats(ctx); err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(g.DB); err == nil {
		info.DBBytes = fi.Size()
	}
	progress("ingested in %.0fs; database %d MB", info.IngestSeconds, info.DBBytes>>20)
	// The logs are not needed again (the benchmarks read no raw events).
	os.RemoveAll(logs)
	g.Info = info
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(g.Dir, "info.json"), b)
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Open opens the graph read-only with its GeoIP databases; the test's
// cleanup closes both.
func (g *Graph) Open(tb testing.TB) *store.Store {
	tb.Helper()
	db := g.DB
	if alt := os.Getenv("GUMSHOE_BENCH_DB"); alt != "" {
		db = alt
		progress("querying %s instead of %s", alt, g.DB)
		// A copy made before the schema moved on is brought up to date
		// like the cached graph, or the read-only open refuses it.
		if err := migrate(alt); err != nil {
			tb.Fatal(err)
		}
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	gdb, err := geo.Open(g.GeoCity, g.GeoASN)
	if err != nil {
		st.Close()
		tb.Fatal(err)
	}
	st.SetLocator(gdb)
	tb.Cleanup(func() {
		st.Close()
		gdb.Close()
	})
	return st
}

// Describe is a one-paragraph description of the graph for reports.
func (g *Graph) Describe() string {
	i := g.Info
	s := fmt.Sprintf("graph %s: %d days, %d accounts; %d CloudTrail events, %d flow records, %d findings (%d updates); ",
		i.Size.Name, i.Size.Days, i.Size.Accounts, i.Stats.Events, i.Stats.Flows, i.Stats.Findings, i.Stats.Updates)
	s += fmt.Sprintf("entities %v; database %d MB; generated in %.0fs, ingested in %.0fs (%s)",
		i.Stats.Entities, i.DBBytes>>20, i.GenerateSeconds, i.IngestSeconds, g.DB)
	return s
}

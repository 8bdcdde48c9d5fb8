package store_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// readersRun is how long TestReadersBesideAWriter runs: a few seconds by
// default, GUMSHOE_READERS (a duration, "60s") for the full version
// (scripts/readers.sh).
func readersRun(t *testing.T) (time.Duration, bool) {
	v := os.Getenv("GUMSHOE_READERS")
	if v == "" {
		return 3 * time.Second, false
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("GUMSHOE_READERS=%q: %v", v, err)
	}
	return d, true
}

// feed keeps an ingest busy: each time the ingest catches up, it moves a
// prepared batch of small synthetic objects into the followed folder (a
// rename, so no half-written file is seen) and prepares the next.
type feed struct {
	root, staging string
	batch         int
	objects       atomic.Int64
}

func (f *feed) prepare() (string, error) {
	f.batch++
	dir := filepath.Join(f.staging, strconv.Itoa(f.batch))
	w, err := synth.Write(dir, synth.Options{Seed: uint64(f.batch), Accounts: 3,
		Events: 3000, EventsPerObject: 25, Flows: 6000, FlowsPerObject: 100,
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(f.batch) * 6 * time.Hour)})
	f.objects.Add(int64(w.Objects))
	return dir, err
}

func (f *feed) run(ctx context.Context, caughtUp <-chan struct{}) error {
	next, err := f.prepare()
	for err == nil {
		select {
		case <-ctx.Done():
			return nil
		case <-caughtUp:
		}
		if err = os.Rename(next, filepath.Join(f.root, filepath.Base(next))); err == nil {
			next, err = f.prepare()
		}
	}
	return err
}

// walWatch samples the WAL's size and the checkpoint sequence number in
// its header, which grows each time a checkpoint completes and the WAL
// starts over: proof that checkpoints still finish while readers read.
type walWatch struct {
	maxSize  int64
	restarts int
}

func (w *walWatch) sample(path string) {
	f, err := os.Open(path + "-wal")
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		w.maxSize = max(w.maxSize, fi.Size())
	}
	var hdr [16]byte
	if n, _ := f.ReadAt(hdr[:], 0); n == len(hdr) {
		w.restarts = max(w.restarts, int(binary.BigEndian.Uint32(hdr[12:16])))
	}
}

// readerStats are one reader's latencies (by query) and errors.
type readerStats struct {
	latencies map[string][]time.Duration
	errs      []error
}

// read runs profile, search and summary queries on varied keys until ctx
// ends. Each query is its own short transaction.
func read(ctx context.Context, st *store.Store, seed uint64, keys func() []string) readerStats {
	rs := readerStats{latencies: map[string][]time.Duration{}}
	rng := rand.New(rand.NewPCG(seed, 1))
	for ctx.Err() == nil {
		ks := keys()
		key := ks[rng.IntN(len(ks))]
		start := time.Now()
		var err error
		var query string
		switch op := rng.IntN(10); {
		case op < 6:
			query = "profile"
			_, err = st.Profile(ctx, store.ProfileRequest{Key: key})
		case op < 9:
			query = "search"
			_, err = st.Search(ctx, key[:min(len(key), 3+rng.IntN(6))])
		default:
			query = "summary"
			_, err = st.Summary(ctx, time.Time{})
		}
		if ctx.Err() != nil {
			break // a query cut short by the end of the run is not an error
		}
		rs.latencies[query] = append(rs.latencies[query], time.Since(start))
		if err != nil {
			rs.errs = append(rs.errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	return rs
}

// keySample keeps a current sample of the graph's entity keys.
type keySample struct {
	mu   sync.Mutex
	keys []string
}

func (k *keySample) get() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys
}

func (k *keySample) refresh(ctx context.Context, st *store.Store) error {
	rows, err := st.DB().QueryContext(ctx, `SELECT key FROM entity ORDER BY random() LIMIT 500`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var key string
		rows.Scan(&key)
		keys = append(keys, key)
	}
	if len(keys) > 0 {
		k.mu.Lock()
		k.keys = keys
		k.mu.Unlock()
	}
	return rows.Err()
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// TestReadersBesideAWriter runs 8 readers of profiles, searches and
// summaries while an ingest writes continuously: no reader may see an
// error (database locked or busy above all), and the WAL must keep
// checkpointing instead of growing.
func TestReadersBesideAWriter(t *testing.T) {
	run, full := readersRun(t)
	root := t.TempDir()
	logs := filepath.Join(root, "logs")
	os.Mkdir(logs, 0o700)
	path := filepath.Join(root, "g.db")
	ctx := context.Background()
	// The short run checkpoints every 400 KB so that it sees checkpoints
	// complete; the full run uses the default (~40 MB).
	opts := store.Options{Write: true, CheckpointPages: 100}
	if full {
		opts.CheckpointPages = 0
	}
	w, err := store.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fd := &feed{root: logs, staging: filepath.Join(root, "staging")}
	first, err := fd.prepare()
	if err != nil {
		t.Fatal(err)
	}
	os.Rename(first, filepath.Join(logs, filepath.Base(first)))
	src, _ := ingest.NewDirSource(logs)
	var ingested atomic.Int64
	caughtUp := make(chan struct{}, 1)
	in := &ingest.Ingester{Store: w, Sources: []ingest.Source{src}, Follow: true, PollInterval: 20 * time.Millisecond,
		Workers: 2, OnProgress: func(p ingest.Progress) {
			ingested.Store(p.Records)
			if p.Idle {
				select {
				case caughtUp <- struct{}{}:
				default:
				}
			}
		}}
	writing, stopWriting := context.WithCancel(ctx)
	defer stopWriting()
	ingestDone := make(chan error, 1)
	go func() { _, err := in.Run(writing); ingestDone <- err }()
	feedDone := make(chan error, 1)
	go func() { feedDone <- fd.run(writing, caughtUp) }()

	reader, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	keys := &keySample{}
	for deadline := time.Now().Add(30 * time.Second); len(keys.get()) == 0; {
		if err := keys.refresh(ctx, reader); err != nil || time.Now().After(deadline) {
			t.Fatalf("no entities to read after 30s: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	startRecords := ingested.Load()
	reading, stopReading := context.WithTimeout(ctx, run)
	defer stopReading()
	const readers = 8
	results := make([]readerStats, readers)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = read(reading, reader, uint64(i), keys.get)
		}()
	}
	var wal walWatch
	for tick := time.NewTicker(10 * time.Millisecond); reading.Err() == nil; <-tick.C {
		wal.sample(path)
		if rand.IntN(50) == 0 {
			keys.refresh(reading, reader)
		}
	}
	wg.Wait()
	stopWriting()
	// Stopping may cut a commit short: it rolls back, and database/sql
	// reports the transaction as done rather than the cancellation.
	if err := <-ingestDone; err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.Errorf("ingest: %v", err)
	}
	if err := <-feedDone; err != nil {
		t.Errorf("writing logs: %v", err)
	}

	var all []time.Duration
	byQuery := map[string][]time.Duration{}
	var errs []error
	for _, r := range results {
		for q, ls := range r.latencies {
			all = append(all, ls...)
			byQuery[q] = append(byQuery[q], ls...)
		}
		errs = append(errs, r.errs...)
		if len(r.latencies) == 0 {
			t.Error("a reader completed no query")
		}
	}
	var perQuery []string
	for _, q := range []string{"profile", "search", "summary"} {
		perQuery = append(perQuery, fmt.Sprintf("%s p95 %v (%d)", q, percentile(byQuery[q], 0.95).Round(time.Millisecond), len(byQuery[q])))
	}
	written := ingested.Load() - startRecords
	t.Logf("%v, %d readers: %d queries, p50 %v, p95 %v, max %v [%s]; %d errors; writer ingested %d records (%d objects written); WAL max %.1f MB, %d checkpoint restarts",
		run, readers, len(all), percentile(all, 0.5).Round(time.Millisecond), percentile(all, 0.95).Round(time.Millisecond),
		percentile(all, 1).Round(time.Millisecond), strings.Join(perQuery, ", "), len(errs),
		written, fd.objects.Load(), float64(wal.maxSize)/(1<<20), wal.restarts)
	for i, err := range errs {
		if i == 5 {
			t.Errorf("... and %d more errors", len(errs)-5)
			break
		}
		kind := "error"
		if msg := err.Error(); strings.Contains(msg, "locked") || strings.Contains(msg, "busy") {
			kind = "busy error"
		}
		t.Errorf("reader %s: %v", kind, err)
	}
	if written == 0 {
		t.Error("the writer wrote nothing while readers ran")
	}
	pages := 10000
	if opts.CheckpointPages > 0 {
		pages = opts.CheckpointPages
	}
	if wal.restarts == 0 && wal.maxSize > int64(pages*4096) {
		t.Error("no checkpoint completed while readers ran: the WAL only grows")
	}
	// Past twice the threshold the writer empties the WAL; it then holds
	// at most the transaction in flight besides. Without
	// that, readers that keep the WAL in use let it grow several times
	// past this bound even in the short run. (The transaction in flight
	// writes the hourly rows, their rollups and their indexes: 3 MB.)
	if bound := int64(4*pages*4096 + 3<<20); wal.maxSize > bound {
		t.Errorf("WAL grew to %d bytes, over %d", wal.maxSize, bound)
	}
}

// TestSecondWriterRefusesOrWaits: one writer per database; a second
// refuses at once with a message saying who holds it, or with Wait waits
// until the first is done.
func TestSecondWriterRefusesOrWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	ctx := context.Background()
	first, err := store.Open(ctx, path, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, path, store.Options{Write: true})
	if !errors.Is(err, store.ErrWriterBusy) {
		t.Fatalf("second writer: %v, want ErrWriterBusy", err)
	}
	for _, s := range []string{path, "pid " + strconv.Itoa(os.Getpid()), "--wait"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("refusal %q does not say %q", err, s)
		}
	}
	opened := make(chan error, 1)
	go func() {
		st, err := store.Open(ctx, path, store.Options{Write: true, Wait: true})
		if err == nil {
			st.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("a waiting writer opened beside the first: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	first.Close()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("waiting writer: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting writer did not open after the first closed")
	}
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

// Ingester reads sources into a graph database. The same component runs in
// `gumshoe ingest` and, later, inside the console.
type Ingester struct {
	Store   *store.Store
	Sources []Source
	// Workers decode objects in parallel; 0 means one per core.
	Workers int
	// ChunkRecords bounds the records of one transaction.
	ChunkRecords int
	// Follow keeps polling the sources for new and grown objects until
	// the context ends.
	Follow       bool
	PollInterval time.Duration
	// OnProgress, when set, is called from the writer goroutine after
	// commits (at most every ProgressEvery) and when a poll catches up.
	OnProgress    func(Progress)
	ProgressEvery time.Duration
	// KeepRawDir, when set, keeps a compressed copy of every object read
	// there (see RawCopyPath), for sources that will not stay available.
	// Ingest pays for the copy only when asked.
	KeepRawDir string
	// Retention is how far back from the graph's "now" data is kept,
	// pruned after each poll; 0 means store.DefaultRetention, negative
	// keeps everything.
	Retention time.Duration
}

// job is one object to decode, with what its checkpoint says.
type job struct {
	source int
	obj    Object
	cp     store.Checkpoint
	known  bool
}

// Run ingests until every object is read (or, when following, until ctx
// ends) and returns what each source gave. It returns an error only when
// the database cannot be written; a source that cannot be read is named
// in the summary and the others go on.
func (in *Ingester) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	sum := Summary{Sources: make([]SourceSummary, len(in.Sources))}
	for i, s := range in.Sources {
		sum.Sources[i].Source = s.Name()
	}
	w, err := in.Store.NewWriter(ctx)
	if err != nil {
		return sum, err
	}
	st := &runState{in: in, w: w, sum: &sum, start: start, seen: map[string]objectStamp{},
		sources: newSourceLedger(in.Sources)}
	for {
		if err := st.poll(ctx); err != nil {
			return st.finish(ctx, err)
		}
		if err := st.sources.write(ctx, in.Store); err != nil {
			return st.finish(ctx, err)
		}
		if _, err := w.Prune(ctx, in.Retention); err != nil {
			return st.finish(ctx, err)
		}
		if !in.Follow {
			break
		}
		in.report(st.progress(true))
		select {
		case <-ctx.Done():
			return st.finish(ctx, nil)
		case <-time.After(in.pollInterval()):
		}
	}
	return st.finish(ctx, nil)
}

func (in *Ingester) pollInterval() time.Duration {
	if in.PollInterval > 0 {
		return in.PollInterval
	}
	return time.Second
}

func (in *Ingester) workers() int {
	if in.Workers > 0 {
		return in.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (in *Ingester) report(p Progress) {
	if in.OnProgress != nil {
		in.OnProgress(p)
	}
}

// objectStamp is what a poll remembers of an object fully read, so the
// next poll passes over it without asking the database.
type objectStamp struct {
	size    int64
	modTime int64
}

// runState is one run's progress, owned by the Run goroutine.
type runState struct {
	in       *Ingester
	w        *store.Writer
	sum      *Summary
	start    time.Time
	seen     map[string]objectStamp
	files    int64
	records  int64
	bad      int64
	last     string
	lastTick time.Time
	// sources keeps what `gumshoe sources` shows of each source.
	sources *sourceLedger
}

func (st *runState) finish(ctx context.Context, err error) (Summary, error) {
	st.sum.total()
	st.sum.Seconds = time.Since(st.start).Seconds()
	serr := st.sources.write(context.WithoutCancel(ctx), st.in.Store)
	ferr := st.w.Finish(context.WithoutCancel(ctx), st.sum.Total.Line())
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return *st.sum, errors.Join(err, serr, ferr)
}

// poll walks every source, decodes what is new on the workers and commits
// their chunks here, in the one writer goroutine, which also picks the
// jobs (planner) between commits.
func (st *runState) poll(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	plan := st.newPlanner(ctx)
	defer plan.close()
	next, more := plan.job()
	if !more {
		return nil
	}
	queue := newChunkQueue()
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range st.in.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if decodeObject(ctx, j, st.in.chunkRecords(), st.in.KeepRawDir, queue) != nil {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(queue.ch)
	}()
	// Workers end when the jobs do or the poll is cancelled; the queue
	// closes after them, which ends this loop.
	endJobs := func() {
		if more {
			more = false
			close(jobs)
		}
	}
	defer endJobs()
	var commitErr error
	for {
		var send chan<- job
		if more {
			send = jobs
		}
		select {
		case send <- next:
			if next, more = plan.job(); !more {
				close(jobs)
			}
		case c, ok := <-queue.ch:
			if !ok {
				if commitErr == nil {
					commitErr = ctx.Err()
				}
				return commitErr
			}
			if commitErr != nil {
				queue.taken(c)
				continue // drain so workers can exit
			}
			group := gather(c, queue.ch)
			if err := st.commit(ctx, group); err != nil {
				commitErr = err
				cancel()
				endJobs()
			}
			queue.taken(group...)
		}
	}
}

func (in *Ingester) chunkRecords() int {
	if in.ChunkRecords > 0 {
		return in.ChunkRecords
	}
	return 20000
}

// groupRecords bounds how many records one transaction gathers.
const groupRecords = 200_000

// gather takes first and whatever other chunks are already waiting, up to
// groupRecords: when the writer is the bottleneck, transactions grow and
// their fixed cost shrinks; when it is not, nothing waits for company.
func gather(first chunk, more <-chan chunk) []chunk {
	group := []chunk{first}
	n := first.read
	for n < groupRecords {
		select {
		case c, ok := <-more:
			if !ok {
				return group
			}
			group = append(group, c)
			n += c.read
		default:
			return group
		}
	}
	return group
}

// commit writes a group of chunks in one transaction and counts them.
func (st *runState) commit(ctx context.Context, group []chunk) error {
	deltas := make([]*store.Delta, len(group))
	for i, c := range group {
		deltas[i] = c.delta
	}
	results, err := st.w.Commit(ctx, deltas...)
	if err == nil {
		err = st.in.Store.LimitWAL(ctx)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", group[0].delta.Object.URI, st.in.Store.WriteError(err))
	}
	for i, c := range group {
		st.count(c, results[i])
		st.sources.delivered(c)
	}
	if err := st.sources.writeIfDue(ctx, st.in.Store); err != nil {
		return err
	}
	if every := st.in.ProgressEvery; time.Since(st.lastTick) >= every {
		st.lastTick = time.Now()
		st.in.report(st.progress(false))
	}
	return nil
}

// count adds a committed chunk to the summary.
func (st *runState) count(c chunk, res store.CommitResult) {
	s := &st.sum.Sources[c.source]
	s.RecordsRead += c.read
	s.Bad += c.bad
	s.Ingested.CloudTrailEvents += int64(res.Calls)
	s.Ingested.FlowRecords += int64(res.Flows - res.FlowGaps)
	s.Ingested.Findings += int64(res.Findings)
	s.Skipped += int64(res.Duplicates + res.FlowGaps)
	for _, p := range c.problems {
		if len(s.Problems) < maxProblemsKept {
			s.Problems = append(s.Problems, p)
		}
	}
	s.Notices = append(s.Notices, c.notices...)
	st.records += c.read
	st.bad += c.bad
	st.last = c.delta.Object.URI
	if c.fileDone {
		s.FilesRead++
		st.files++
		cp := c.delta.Object
		st.seen[cp.URI] = objectStamp{cp.Size, cp.ModTime}
	}
}

func (st *runState) progress(idle bool) Progress {
	el := time.Since(st.start)
	p := Progress{Files: st.files, Records: st.records, Bad: st.bad, Elapsed: el, Idle: idle,
		LastObject: strings.TrimPrefix(st.last, "file://")}
	if el > 0 {
		p.PerSecond = float64(st.records) / el.Seconds()
	}
	return p
}

package ingest

import (
	"context"
	"fmt"
	"iter"
)

// objectStreamer is a source that passes its objects one at a time
// (DirSource) instead of listing them all first.
type objectStreamer interface {
	Stream(ctx context.Context, each func(Object) bool) error
}

// planner walks the sources' objects and picks those that are new or
// changed, one job at a time, in the Run goroutine (which owns the
// summary and the ledger it updates). A poll hands each job to the
// workers as it is picked: it never holds the jobs of a whole listing,
// which for a folder of two million objects took gigabytes before the
// first was read.
type planner struct {
	st  *runState
	ctx context.Context
	// source is the source being walked; next pulls its objects.
	source  int
	next    func() (Object, bool)
	stop    func()
	listed  int
	listErr error
}

func (st *runState) newPlanner(ctx context.Context) *planner {
	return &planner{st: st, ctx: ctx}
}

// job returns the next object to read, or false when every source is done.
func (p *planner) job() (job, bool) {
	for p.source < len(p.st.in.Sources) {
		if p.next == nil {
			p.open()
		}
		o, ok := p.next()
		if !ok {
			p.done()
			continue
		}
		p.listed++
		if j, ok := p.consider(o); ok {
			return j, true
		}
	}
	return job{}, false
}

// open starts walking the current source.
func (p *planner) open() {
	src := p.st.in.Sources[p.source]
	p.listed, p.listErr = 0, nil
	p.st.sum.Sources[p.source].Error = ""
	objects := func(yield func(Object) bool) {
		if s, ok := src.(objectStreamer); ok {
			p.listErr = s.Stream(p.ctx, yield)
			return
		}
		// A source that lists only whole (an S3 prefix) may list part of
		// itself and an error for the rest: what it listed is read.
		objs, err := src.List(p.ctx)
		p.listErr = err
		for _, o := range objs {
			if !yield(o) {
				return
			}
		}
	}
	p.next, p.stop = iter.Pull(iter.Seq[Object](objects))
}

// done records the current source's listing and moves to the next.
func (p *planner) done() {
	p.stop()
	p.next, p.stop = nil, nil
	p.st.sources.listed(p.source, p.listed, p.listErr)
	if p.listErr != nil {
		p.st.sum.Sources[p.source].Error = p.listErr.Error()
	}
	p.source++
}

// close ends a walk the poll left before its end.
func (p *planner) close() {
	if p.stop != nil {
		p.stop()
	}
}

// consider decides whether an object is to be read: not when this run
// has read it whole already, nor when its checkpoint says it is complete
// and unchanged.
func (p *planner) consider(o Object) (job, bool) {
	st, i := p.st, p.source
	stamp := objectStamp{o.Size, o.ModTime.UnixNano()}
	if st.seen[o.URI] == stamp {
		return job{}, false
	}
	cp, known, err := st.in.Store.ObjectCheckpoint(p.ctx, o.URI)
	if err != nil {
		st.sum.Sources[i].Error = fmt.Sprintf("checkpoint of %s: %v", o.URI, err)
		return job{}, false
	}
	// An object that could not be opened at all (no fingerprint: an S3
	// GET that failed through its retries, a permission denied) is tried
	// again by the next run; st.seen spares it this run.
	opened := len(cp.Fingerprint) > 0
	if known && cp.Complete && opened && cp.Size == o.Size && cp.ModTime == stamp.modTime {
		st.seen[o.URI] = stamp
		st.sum.Sources[i].FilesUnchanged++
		return job{}, false
	}
	return job{source: i, obj: o, cp: cp, known: known}, true
}

package ingest

import (
	"context"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// chunk is a delta on its way from a decode worker to the writer.
type chunk struct {
	source int
	delta  *store.Delta
	// read and bad count the records this chunk read.
	read, bad int64
	// problems are the bad records with the object's name, for the summary.
	problems []ProblemEntry
	notices  []string
	// fileDone marks the object's last chunk.
	fileDone bool
}

// chunker is the Sink a decoder writes into: it cuts the object's records
// into deltas of a bounded size and hands them to the writer in order.
type chunker struct {
	ctx    context.Context
	source int
	name   string
	cp     store.Checkpoint
	limit  int
	out    *chunkQueue
	cur    chunk
}

func newChunker(ctx context.Context, source int, name string, cp store.Checkpoint, limit int, out *chunkQueue) *chunker {
	c := &chunker{ctx: ctx, source: source, name: name, cp: cp, limit: limit, out: out}
	c.reset()
	return c
}

func (c *chunker) reset() {
	c.cur = chunk{source: c.source, delta: store.NewDelta(c.cp)}
	// A gzipped flow record takes some 16 to 40 bytes: size the chunk for
	// the records the object can hold, up to the chunk's limit.
	c.cur.delta.ExpectFlows(int(min(int64(c.limit), c.cp.Size/16+64)))
}

func (c *chunker) APICall(a *graph.APICall) error {
	c.cur.delta.AddCall(a)
	return c.advance(a.Pos)
}

func (c *chunker) Flow(f *graph.FlowRecord) error {
	c.cur.delta.AddFlow(f)
	return c.advance(f.Pos)
}

func (c *chunker) Finding(f *graph.Finding) error {
	c.cur.delta.AddFinding(f)
	return c.advance(f.Pos)
}

func (c *chunker) Bad(b BadRecord) error {
	c.problem(b.Pos, b.Reason)
	if b.Truncated {
		return nil // read it again if the object grows
	}
	return c.advance(b.Pos)
}

func (c *chunker) problem(pos graph.Position, reason string) {
	c.cur.delta.Bad = append(c.cur.delta.Bad, store.BadRecord{Line: pos.Line, Index: pos.Index, Reason: reason})
	c.cur.bad++
	c.cur.problems = append(c.cur.problems, ProblemEntry{Object: c.name, Line: pos.Line, Record: pos.Index, Reason: reason})
}

// fail reports a problem with the object as a whole (unreadable, unknown
// content, cut short). It does not move the resume point: if the object
// grows or is fixed, reading goes on from the last good record.
func (c *chunker) fail(reason string) {
	c.problem(graph.Position{Index: c.cp.Records}, reason)
}

func (c *chunker) Notice(msg string) {
	c.cur.notices = append(c.cur.notices, c.name+": "+msg)
}

// advance moves the resume point past the record at pos.
func (c *chunker) advance(pos graph.Position) error {
	c.cur.read++
	if next := pos.Index + 1; next > c.cp.Records {
		c.cp.Records = next
	}
	if c.cur.read >= int64(c.limit) {
		return c.flush(false)
	}
	return nil
}

// flush sends the current chunk with the checkpoint it reaches. The
// orientation of flows runs here, on the worker's core, not the writer's.
func (c *chunker) flush(done bool) error {
	c.cp.Complete = done
	c.cur.delta.Object = c.cp
	c.cur.fileDone = done
	c.cur.delta.Finish()
	if err := c.out.send(c.ctx, c.cur); err != nil {
		return err
	}
	c.reset()
	return nil
}

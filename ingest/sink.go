package ingest

import (
	"fmt"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Sink receives what a decoder reads from one source object, in order.
// Decoders call exactly one method per record (Bad included), so the
// position of every record, good or bad, advances the resume point.
// A non-nil error from a Sink method stops the decoder and is returned by it.
// The record a method receives belongs to the decoder and is overwritten
// by the next one: a sink that keeps it must copy it (store.Delta does).
type Sink interface {
	APICall(c *graph.APICall) error
	Flow(f *graph.FlowRecord) error
	Finding(f *graph.Finding) error
	// Bad reports a record that could not be read; the decoder goes on
	// with the next one.
	Bad(b BadRecord) error
	// Notice reports something about the object that is not a record
	// (a CloudTrail digest file skipped, a flow-log header).
	Notice(msg string)
}

// BadRecord is a record that could not be read.
type BadRecord struct {
	Pos    graph.Position
	Reason string
	// Truncated marks a record the input ends inside: reported, but not
	// passed over, since a followed file may still be growing and the
	// record be whole on the next read.
	Truncated bool
}

func (b BadRecord) String() string {
	if b.Pos.Line > 0 {
		return fmt.Sprintf("line %d: %s", b.Pos.Line, b.Reason)
	}
	return fmt.Sprintf("record %d: %s", b.Pos.Index, b.Reason)
}

package ingest

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// queueChunks bounds the chunks waiting for the writer; queueRecords
// bounds the records in them. The records are the bound that matters: an
// organisation's trail delivers hundreds of thousands of objects of a few
// dozen events each, and with a few chunks waiting a transaction held a
// few objects, so its fixed cost (the commit, the object and coverage
// rows) was paid every hundred records. A bound in records lets a
// thousand small objects wait and go in one transaction, while the memory
// decoded chunks hold stays what 200k records take.
const (
	queueChunks  = 1024
	queueRecords = groupRecords
)

// chunkQueue carries decoded chunks from the workers to the writer.
type chunkQueue struct {
	ch      chan chunk
	records *semaphore.Weighted
}

func newChunkQueue() *chunkQueue {
	return &chunkQueue{ch: make(chan chunk, queueChunks), records: semaphore.NewWeighted(queueRecords)}
}

// weight is what a chunk counts against queueRecords: its records, at
// least one (a chunk of only a failure still takes a place), at most all.
func weight(c chunk) int64 { return min(max(c.read, 1), queueRecords) }

// send waits for room for the chunk's records, then queues it.
func (q *chunkQueue) send(ctx context.Context, c chunk) error {
	if err := q.records.Acquire(ctx, weight(c)); err != nil {
		return err
	}
	select {
	case q.ch <- c:
		return nil
	case <-ctx.Done():
		q.records.Release(weight(c))
		return ctx.Err()
	}
}

// taken frees the room of chunks the writer is done with.
func (q *chunkQueue) taken(cs ...chunk) {
	for _, c := range cs {
		q.records.Release(weight(c))
	}
}

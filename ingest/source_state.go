package ingest

import (
	"context"
	"errors"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

// sourceStateEvery is how often a long poll writes what its sources
// delivered so far, so that `gumshoe sources` follows a first big read
// and a killed run loses at most this much of the bookkeeping.
const sourceStateEvery = 5 * time.Second

// sourceLedger gathers, per source, what `gumshoe sources` shows (its
// polls, the objects it delivered, the newest hour of their data) and
// writes it to the store after each poll. It belongs to the Run goroutine.
type sourceLedger struct {
	pending []store.SourceUpdate
	objects []map[string]bool
	written time.Time
}

func newSourceLedger(sources []Source) *sourceLedger {
	l := &sourceLedger{pending: make([]store.SourceUpdate, len(sources)), objects: make([]map[string]bool, len(sources)),
		written: time.Now()}
	for i, s := range sources {
		l.pending[i].Source = s.Name()
		l.objects[i] = map[string]bool{}
	}
	return l
}

// listed notes a poll's listing of source i. A listing cut short by the
// end of the run says nothing of the source.
func (l *sourceLedger) listed(i, objects int, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	p := &store.SourcePoll{At: time.Now(), Listed: objects}
	if err != nil {
		p.Err = err.Error()
	}
	l.pending[i].Poll = p
}

// delivered notes a committed chunk.
func (l *sourceLedger) delivered(c chunk) {
	u := &l.pending[c.source]
	u.NewestHour = max(u.NewestHour, c.delta.NewestHour())
	l.objects[c.source][c.delta.Object.URI] = true
}

// writeIfDue writes when sourceStateEvery has passed since the last write.
func (l *sourceLedger) writeIfDue(ctx context.Context, st *store.Store) error {
	if time.Since(l.written) < sourceStateEvery {
		return nil
	}
	return l.write(ctx, st)
}

// write stores what was gathered since the last write.
func (l *sourceLedger) write(ctx context.Context, st *store.Store) error {
	var updates []store.SourceUpdate
	for i := range l.pending {
		u := &l.pending[i]
		for uri := range l.objects[i] {
			u.Objects = append(u.Objects, uri)
		}
		if u.Poll != nil || u.NewestHour > 0 || len(u.Objects) > 0 {
			updates = append(updates, *u)
		}
	}
	l.written = time.Now()
	if len(updates) == 0 {
		return nil
	}
	if err := st.UpdateSources(ctx, updates); err != nil {
		for i := range l.pending {
			l.pending[i].Objects = nil
		}
		return err
	}
	for i := range l.pending {
		l.pending[i] = store.SourceUpdate{Source: l.pending[i].Source}
		clear(l.objects[i])
	}
	return nil
}

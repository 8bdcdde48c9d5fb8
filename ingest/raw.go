package ingest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// Raw event pages: a page holds DefaultRawPageSize events unless asked
// otherwise, and never more than MaxRawPageSize, because every event of
// the pages up to the one asked for is held while the objects are read.
const (
	DefaultRawPageSize = 50
	MaxRawPageSize     = 1000
)

// RawEvent is one CloudTrail record read again from its source object.
type RawEvent struct {
	Time      time.Time `json:"time"`
	EventID   string    `json:"event_id"`
	Service   string    `json:"service"`
	API       string    `json:"api"`
	SourceIP  string    `json:"source_ip"`
	UserAgent string    `json:"user_agent"`
	AccessKey string    `json:"access_key,omitempty"`
	ErrorCode string    `json:"error_code,omitempty"`
	Failed    bool      `json:"failed"`
	// Object and Index locate the record: its source object's URI and its
	// record number there (and Line, where the object has lines).
	Object string `json:"object"`
	Index  int64  `json:"index"`
	Line   int64  `json:"line,omitempty"`
	// FromCopy says the source object is gone or changed and the record
	// was read from the copy ingest --keep-raw kept.
	FromCopy bool `json:"from_kept_copy,omitempty"`
	// JSON is the record byte for byte as the object holds it.
	JSON json.RawMessage `json:"raw,omitempty"`
	// Call is the record decoded, for callers that filter, sort or pivot.
	Call *graph.APICall `json:"-"`
}

// UnavailableObject is a source object whose records could not all be
// read again. Records counts the records wanted from it that were not
// read; how many of them a filter would have kept is unknown.
type UnavailableObject struct {
	Object  string `json:"object"`
	Records int    `json:"records"`
	Reason  string `json:"reason"`
}

// RawPage is one page of raw events, ordered by event time, then eventID.
type RawPage struct {
	Page     int `json:"page"` // from 1
	PageSize int `json:"page_size"`
	Pages    int `json:"pages"`
	// Total counts the matching events of every page.
	Total       int                 `json:"total"`
	Events      []RawEvent          `json:"events"`
	Unavailable []UnavailableObject `json:"unavailable,omitempty"`
}

// RawRequest asks for the records behind an entity's API calls in a
// scope, or behind one "details for scope time" row of them.
type RawRequest struct {
	store.RawQuery
	KeepRawDir     string
	Page, PageSize int
}

// RawResult is a page of the records behind an entity's calls.
type RawResult struct {
	Entity graph.Ref   `json:"entity"`
	Scope  graph.Scope `json:"scope"`
	*RawPage
}

// EntityRaw reads a page of the records behind an entity's API calls:
// the store says which objects and records, this package reads them.
func EntityRaw(ctx context.Context, st *store.Store, req RawRequest) (*RawResult, error) {
	set, err := st.RawRefs(ctx, req.RawQuery)
	if err != nil {
		return nil, err
	}
	page, err := ReadRaw(ctx, set.Objects, req.KeepRawDir, set.Match, req.Page, req.PageSize)
	if err != nil {
		return nil, err
	}
	return &RawResult{Entity: graph.RefOf(set.Entity), Scope: set.Scope, RawPage: page}, nil
}

// ReadRaw reads the records refs name from their source objects again
// and returns page (from 1) of those match keeps, pageSize to a page.
// An object that is gone is read from its copy under keepRawDir when
// ingest kept one, else it is listed as unavailable; it never fails the
// others. Memory holds one record per object being read plus the events
// of the pages up to the one asked for.
func ReadRaw(ctx context.Context, refs []store.RawRef, keepRawDir string, match func(*graph.APICall) bool, page, pageSize int) (*RawPage, error) {
	if pageSize <= 0 {
		pageSize = DefaultRawPageSize
	}
	return readPage(ctx, refs, keepRawDir, match, max(page, 1), min(pageSize, MaxRawPageSize), true)
}

// readPage is ReadRaw without its bounds, keeping each event's JSON only
// when withJSON is set.
func readPage(ctx context.Context, refs []store.RawRef, keepRawDir string, match func(*graph.APICall) bool, page, pageSize int, withJSON bool) (*RawPage, error) {
	p := &RawPage{Page: page, PageSize: pageSize, Events: []RawEvent{}}
	first := &earliest[*RawEvent]{k: page * pageSize, cmp: compareEvents}
	var err error
	p.Unavailable, err = scanObjects(ctx, refs, keepRawDir, match, func(ev *RawEvent, raw []byte) {
		p.Total++
		if first.wants(ev) {
			if withJSON {
				ev.JSON = bytes.Clone(raw)
			}
			first.add(ev)
		}
	})
	if err != nil {
		return nil, err
	}
	all := first.result()
	for _, ev := range all[min(len(all), (page-1)*pageSize):] {
		p.Events = append(p.Events, *ev)
	}
	p.Pages = (p.Total + pageSize - 1) / pageSize
	return p, nil
}

// compareEvents orders events by time, then eventID, then place, so that
// pages are stable.
func compareEvents(a, b *RawEvent) int {
	return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.EventID, b.EventID),
		strings.Compare(a.Object, b.Object), cmp.Compare(a.Index, b.Index))
}

// earliest keeps the first k of any number of items in an order, holding
// at most 2k at a time: objects are read in no particular order, and a
// page deep in a long list must not hold the whole list.
type earliest[T any] struct {
	k     int
	cmp   func(a, b T) int
	items []T
	// cutoff is the k-th item once k are held: later items need not be kept.
	cutoff    T
	hasCutoff bool
}

// wants reports whether x would be kept, before the caller pays for it.
func (e *earliest[T]) wants(x T) bool { return !e.hasCutoff || e.cmp(x, e.cutoff) < 0 }

func (e *earliest[T]) add(x T) {
	e.items = append(e.items, x)
	if len(e.items) >= 2*e.k {
		e.trim()
	}
}

func (e *earliest[T]) trim() {
	slices.SortFunc(e.items, e.cmp)
	if len(e.items) >= e.k {
		clear(e.items[e.k:])
		e.items = e.items[:e.k]
		e.cutoff, e.hasCutoff = e.items[e.k-1], true
	}
}

// result is the first k items, in order.
func (e *earliest[T]) result() []T {
	e.trim()
	return e.items
}

// maxReaders bounds the objects read at once: reading is decompression
// and JSON scanning, so more readers than cores gain nothing.
const maxReaders = 8

// scanObjects reads the objects of refs in parallel and hands each wanted
// record that decodes and match keeps to keep, one at a time; raw is only
// valid during the call. match is called from several goroutines at once.
// It fails only when ctx ends.
func scanObjects(ctx context.Context, refs []store.RawRef, keepRawDir string, match func(*graph.APICall) bool, keep func(ev *RawEvent, raw []byte)) ([]UnavailableObject, error) {
	var mu sync.Mutex
	unavailable := []UnavailableObject{}
	todo := make(chan store.RawRef)
	var wg sync.WaitGroup
	for range min(len(refs), runtime.GOMAXPROCS(0), maxReaders) {
		wg.Go(func() {
			for ref := range todo {
				problem := scanRef(ctx, ref, keepRawDir, func(ev *RawEvent, raw []byte) {
					if match(ev.Call) {
						mu.Lock()
						keep(ev, raw)
						mu.Unlock()
					}
				})
				if problem != nil {
					mu.Lock()
					unavailable = append(unavailable, *problem)
					mu.Unlock()
				}
			}
		})
	}
send:
	for _, ref := range refs {
		if len(ref.Indexes) == 0 {
			continue
		}
		select {
		case todo <- ref:
		case <-ctx.Done():
			break send
		}
	}
	close(todo)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(unavailable, func(a, b UnavailableObject) int { return strings.Compare(a.Object, b.Object) })
	return unavailable, nil
}

// scanRef reads one object's wanted records and says what it could not.
func scanRef(ctx context.Context, ref store.RawRef, keepRawDir string, each func(ev *RawEvent, raw []byte)) *UnavailableObject {
	name := displayName(ref.URI)
	oo, fromCopy, err := openRaw(ref, keepRawDir)
	if err != nil {
		return &UnavailableObject{Object: ref.URI, Records: len(ref.Indexes), Reason: err.Error()}
	}
	defer oo.closer.Close()
	found, err := scanRecords(oo.r, ref.Indexes, func(raw []byte, c *graph.APICall) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		each(&RawEvent{Time: c.Time, EventID: c.EventID, Service: c.Service, API: c.Name,
			SourceIP: c.SourceIP, UserAgent: c.UserAgent, AccessKey: c.Identity.AccessKeyID,
			ErrorCode: c.ErrorCode, Failed: c.Failed, Object: ref.URI, Index: c.Pos.Index,
			Line: c.Pos.Line, FromCopy: fromCopy, Call: c}, raw)
		return nil
	})
	missing := len(ref.Indexes) - found
	switch {
	case ctx.Err() != nil || missing == 0:
		return nil
	case err != nil:
		return &UnavailableObject{Object: ref.URI, Records: missing,
			Reason: fmt.Sprintf("source object %s could not be read to its end: %v", name, err)}
	}
	return &UnavailableObject{Object: ref.URI, Records: missing,
		Reason: fmt.Sprintf("source object %s no longer holds %d of its records where ingest read them", name, missing)}
}

// openRaw opens a source object again: the original while it is there
// and still starts as it did when ingested, else the copy ingest kept.
func openRaw(ref store.RawRef, keepRawDir string) (oo *openedObject, fromCopy bool, err error) {
	name := displayName(ref.URI)
	why := "gumshoe cannot fetch it again"
	if path, ok := strings.CutPrefix(ref.URI, "file://"); ok {
		if oo, err = openVerified(path, ref.Fingerprint); err == nil {
			return oo, false, nil
		}
		why = err.Error()
	}
	if keepRawDir == "" {
		return nil, false, fmt.Errorf("source object %s is no longer available (%s) and no copy of it was kept (ingest --keep-raw DIR keeps one)", name, why)
	}
	if oo, err = openVerified(RawCopyPath(keepRawDir, ref.URI), ref.Fingerprint); err != nil {
		return nil, false, fmt.Errorf("source object %s is no longer available (%s), nor is its kept copy (%v)", name, why, err)
	}
	return oo, true, nil
}

// errChanged refuses an object put in the place of the one ingested: its
// record indexes would name other records.
var errChanged = errors.New("it has changed since it was ingested")

// openVerified opens a file and checks its start against the fingerprint
// taken at ingest: of the raw bytes, or, for a kept copy that ingest
// compressed, of the bytes inside.
func openVerified(path string, fp []byte) (*openedObject, error) {
	oo, err := openContent(Object{URI: path, open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("not found")
	}
	if err != nil {
		return nil, err
	}
	if head, _ := oo.r.Peek(fingerprintBytes); !sameStart(fp, oo.prefix) && !sameStart(fp, head) {
		oo.closer.Close()
		return nil, errChanged
	}
	return oo, nil
}

// errAllRead stops reading an object after its last wanted record.
var errAllRead = errors.New("every wanted record read")

// scanRecords decodes the records of a CloudTrail object at the wanted
// indexes (ascending) with the ingest decoder, and passes each with its
// raw bytes (valid only during the call) to each. It returns how many it
// found. Records before the first wanted one are only split, not decoded.
func scanRecords(r io.Reader, want []int64, each func(raw []byte, c *graph.APICall) error) (int, error) {
	sink := &recordCatcher{}
	dec := &cloudTrailDecoder{sink: sink}
	found, next := 0, 0
	br, release := newJSONReader(r)
	defer release()
	err := splitJSON(br, cloudTrailContainers, want[0], sink, func(rec []byte, pos graph.Position) error {
		for next < len(want) && want[next] < pos.Index {
			next++ // read bad this time: counted as not found
		}
		if next == len(want) {
			return errAllRead
		}
		if want[next] != pos.Index {
			return nil
		}
		next++
		sink.call = nil
		if err := dec.record(rec, pos); err != nil {
			return err
		}
		if sink.call != nil {
			found++
			if err := each(rec, sink.call); err != nil {
				return err
			}
		}
		if next == len(want) {
			return errAllRead
		}
		return nil
	})
	if errors.Is(err, errAllRead) {
		err = nil
	}
	return found, err
}

// recordCatcher is the Sink of a re-read: it keeps the one call decoded,
// and drops bad records and notices, which ingest reported already.
type recordCatcher struct{ call *graph.APICall }

func (rc *recordCatcher) APICall(c *graph.APICall) error { rc.call = c; return nil }
func (rc *recordCatcher) Flow(*graph.FlowRecord) error   { return nil }
func (rc *recordCatcher) Finding(*graph.Finding) error   { return nil }
func (rc *recordCatcher) Bad(BadRecord) error            { return nil }
func (rc *recordCatcher) Notice(string)                  {}

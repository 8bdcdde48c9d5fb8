package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3Walker is one listing of an S3Source: Listers workers take folders
// from a queue, list them with a delimiter and queue the children that
// fit the layout and the date window, down to the day folders, whose
// objects they list in full. Listing folder by folder is what lets a
// listing skip whole accounts' days, where a flat listing from a
// StartAfter key would miss objects delivered late under earlier keys.
type s3Walker struct {
	ctx    context.Context
	src    *S3Source
	client *s3.Client

	mu      sync.Mutex
	wake    *sync.Cond
	queue   []s3Place
	pending int // queued or being visited

	objs []Object
	// newest is each stream's newest day listed; failed marks the streams
	// a request failed in, whose horizon must not move.
	newest map[string]int
	failed map[string]bool
	errs   []error
	nerrs  int
}

func newS3Walker(ctx context.Context, src *S3Source) *s3Walker {
	w := &s3Walker{ctx: ctx, src: src, client: src.client, newest: map[string]int{}, failed: map[string]bool{}}
	w.wake = sync.NewCond(&w.mu)
	return w
}

// run lists everything below root that the window admits.
func (w *s3Walker) run(root s3Place) {
	w.push(root)
	var wg sync.WaitGroup
	for range w.src.opts.Listers {
		wg.Go(func() {
			for {
				p, ok := w.pop()
				if !ok {
					return
				}
				w.visit(p)
				w.done()
			}
		})
	}
	wg.Wait()
}

func (w *s3Walker) push(p s3Place) {
	w.mu.Lock()
	w.queue = append(w.queue, p)
	w.pending++
	w.mu.Unlock()
	w.wake.Signal()
}

// pop takes the newest folder queued (depth first keeps the queue
// short), waiting while others are being visited; false means all done.
func (w *s3Walker) pop() (s3Place, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.queue) == 0 && w.pending > 0 {
		w.wake.Wait()
	}
	if len(w.queue) == 0 {
		return s3Place{}, false
	}
	p := w.queue[len(w.queue)-1]
	w.queue = w.queue[:len(w.queue)-1]
	return p, true
}

func (w *s3Walker) done() {
	w.mu.Lock()
	w.pending--
	last := w.pending == 0
	w.mu.Unlock()
	if last {
		w.wake.Broadcast()
	}
}

func (w *s3Walker) visit(p s3Place) {
	if w.ctx.Err() != nil {
		w.fail(p, w.ctx.Err())
		return
	}
	if p.level == levelDay {
		w.listDay(p)
		return
	}
	folders, err := w.folders(p.prefix)
	if err != nil {
		w.fail(p, err)
		return
	}
	for _, f := range folders {
		c, ok := p.child(strings.TrimSuffix(strings.TrimPrefix(f, p.prefix), "/"))
		if ok && w.window(c).admits(c) {
			w.push(c)
		}
	}
}

// window is the range of days to list in p's stream: from Since, or from
// RelistDays before the newest day an earlier listing saw, whichever is
// later, to Until.
func (w *s3Walker) window(p s3Place) dayRange {
	o := w.src.opts
	r := dayRange{from: yyyymmdd(o.Since), to: yyyymmdd(o.Until)}
	if h := w.src.horizon[p.stream]; h > 0 {
		r.from = max(r.from, daysBefore(h, o.RelistDays-1))
	}
	return r
}

// folders lists the folders directly under prefix.
func (w *s3Walker) folders(prefix string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	err := w.list(prefix, "/", func(page *s3.ListObjectsV2Output) {
		for _, cp := range page.CommonPrefixes {
			if f := aws.ToString(cp.Prefix); !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	})
	return out, err
}

// listDay lists every object of a day folder, hour folders included.
func (w *s3Walker) listDay(p s3Place) {
	var objs []Object
	err := w.list(p.prefix, "", func(page *s3.ListObjectsV2Output) {
		for _, o := range page.Contents {
			if !strings.HasSuffix(aws.ToString(o.Key), "/") { // folder markers
				objs = append(objs, w.object(o, p))
			}
		}
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	w.objs = append(w.objs, objs...)
	if err != nil {
		w.failLocked(p, err)
		return
	}
	day := p.year*10000 + p.month*100 + p.day
	w.newest[p.stream] = max(w.newest[p.stream], day)
}

// list pages through ListObjectsV2 under prefix.
func (w *s3Walker) list(prefix, delimiter string, each func(*s3.ListObjectsV2Output)) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(w.src.bucket), Prefix: aws.String(prefix)}
	if delimiter != "" {
		in.Delimiter = aws.String(delimiter)
	}
	if w.src.opts.pageSize > 0 {
		in.MaxKeys = aws.Int32(w.src.opts.pageSize)
	}
	pages := s3.NewListObjectsV2Paginator(w.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(w.ctx)
		if err != nil {
			return err
		}
		each(page)
	}
	return nil
}

func (w *s3Walker) fail(p s3Place, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failLocked(p, err)
}

func (w *s3Walker) failLocked(p s3Place, err error) {
	if p.stream != "" {
		w.failed[p.stream] = true
	}
	w.nerrs++
	if len(w.errs) < maxListErrors {
		w.errs = append(w.errs, fmt.Errorf("list s3://%s/%s: %w", w.src.bucket, p.prefix, err))
	}
}

// err sums up the listing's failures.
func (w *s3Walker) err() error {
	if w.nerrs == 0 {
		return nil
	}
	errs := w.errs
	if more := w.nerrs - len(w.errs); more > 0 {
		errs = append(errs, fmt.Errorf("and %d more prefixes could not be listed", more))
	}
	return errors.Join(errs...)
}

// object makes the Object of a listed key.
func (w *s3Walker) object(o types.Object, at s3Place) Object {
	return w.src.object(w.ctx, w.client, o, at)
}

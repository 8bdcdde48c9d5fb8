package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

// streamOnly is a source of many one-event CloudTrail objects that can
// only be streamed, and notes how far its walk ran ahead of the commits.
type streamOnly struct {
	objects  int
	st       *store.Store
	yielded  int
	maxAhead int
}

func (s *streamOnly) Name() string { return "stream-only" }

func (s *streamOnly) List(context.Context) ([]Object, error) {
	return nil, errors.New("a streaming source must not be listed whole")
}

func (s *streamOnly) Stream(ctx context.Context, each func(Object) bool) error {
	for i := range s.objects {
		var committed int
		if err := s.st.DB().QueryRowContext(ctx, `SELECT count(*) FROM object`).Scan(&committed); err != nil {
			return err
		}
		s.yielded++
		s.maxAhead = max(s.maxAhead, s.yielded-committed)
		body := fmt.Sprintf(`{"Records":[{"eventVersion":"1.08","eventID":"e-%d","eventTime":"2026-10-01T10:%02d:00Z",
			"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.%d",
			"userAgent":"aws-cli/2","recipientAccountId":"123456789012",
			"userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"u%d","arn":"arn:aws:iam::123456789012:user/u%d"}}]}`,
			i, i%60, i%250, i%7, i%7)
		o := Object{URI: fmt.Sprintf("mem://stream/%05d.json", i), Size: int64(len(body)), ModTime: time.Unix(1_790_000_000, 0),
			open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }}
		if !each(o) {
			return nil
		}
	}
	return nil
}

// TestPollStreamsTheListing: a poll reads a streaming source's objects as
// it walks them, so the walk runs ahead of the commits by at most what the
// writer's queue and the workers hold, never by the whole listing; and
// every object lands once.
func TestPollStreamsTheListing(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const objects = 3 * queueChunks
	src := &streamOnly{objects: objects, st: st}
	sum, err := (&Ingester{Store: st, Sources: []Source{src}, Workers: 2}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := sum.Sources[0]; s.FilesRead != objects || s.Ingested.CloudTrailEvents != objects || s.Error != "" {
		t.Fatalf("read %d objects, %d events (error %q), want %d of each", s.FilesRead, s.Ingested.CloudTrailEvents, s.Error, objects)
	}
	if bound := queueChunks + 2 + 2; src.maxAhead > bound {
		t.Errorf("the walk ran %d objects ahead of the commits, more than the queue and the workers hold (%d)", src.maxAhead, bound)
	}
	if src.maxAhead < 2 {
		t.Errorf("the walk never ran ahead of the commits (%d): the workers had nothing to do", src.maxAhead)
	}
}

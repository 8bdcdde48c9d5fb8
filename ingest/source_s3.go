package ingest

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Options tunes an S3Source.
type S3Options struct {
	AWS AWSOptions
	// Since and Until bound a backfill to whole days: date folders before
	// Since's day or after Until's are not listed. Zero means unbounded.
	Since, Until time.Time
	// Interval is the least time between two listings. The ingester polls
	// every source at its own pace, and a listing costs requests per
	// account and Region; a poll sooner than Interval lists nothing.
	Interval time.Duration
	// RelistDays is how many of a stream's newest days every listing
	// reads again, for objects that land late under an earlier date (a
	// delivery at 00:05 of the records of 23:55). Default 2.
	RelistDays int
	// Listers bounds the list requests in flight. Default 16.
	Listers int

	// pageSize, when set, caps the keys of one list page (tests page
	// through small buckets with it).
	pageSize int32
}

// S3Source reads the logs AWS delivers to a bucket: CloudTrail (account
// and organisation trails), VPC flow logs (text and Parquet) and
// GuardDuty's export, under PREFIX/AWSLogs/[o-ORG/]ACCOUNT/SERVICE/REGION/
// YYYY/MM/DD/. It lists only what can be new: its first listing reads
// every date folder (from Since), later ones only each stream's newest
// RelistDays days and any after them. Per-object checkpoints (by key,
// size and ETag) then decide what to fetch; objects are streamed from
// GetObject, never held whole.
type S3Source struct {
	uri    string
	bucket string
	prefix string
	opts   S3Options
	cfg    aws.Config

	// mu guards the fields below: List runs on the ingester's goroutine,
	// but nothing stops two ingesters sharing a source.
	mu         sync.Mutex
	client     *s3.Client
	lastListed time.Time
	lastErr    error
	// horizon is each stream's newest day fully listed, as yyyymmdd; a
	// stream is the folder of one account, service and Region.
	horizon map[string]int
}

// NewS3Source returns a source for s3://bucket[/prefix]. The prefix may
// stop anywhere in AWS's layout: before AWSLogs/ (the trail's own prefix),
// at an organisation, an account, a service, a Region or a date.
func NewS3Source(ctx context.Context, uri string, o S3Options) (*S3Source, error) {
	bucket, prefix, err := parseS3URI(uri)
	if err != nil {
		return nil, err
	}
	if _, err := parsePlace(prefix); err != nil {
		return nil, fmt.Errorf("source %s: %w", uri, err)
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Until.Before(o.Since) {
		return nil, fmt.Errorf("source %s: --until %s is before --since %s", uri, o.Until.Format(time.DateOnly), o.Since.Format(time.DateOnly))
	}
	if o.RelistDays <= 0 {
		o.RelistDays = 2
	}
	if o.Listers <= 0 {
		o.Listers = 16
	}
	cfg, err := LoadAWSConfig(ctx, o.AWS)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", uri, err)
	}
	return &S3Source{uri: uri, bucket: bucket, prefix: prefix, opts: o, cfg: cfg, horizon: map[string]int{}}, nil
}

// parseS3URI splits s3://bucket/prefix; the prefix is a folder, so it
// gains a trailing slash.
func parseS3URI(uri string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%s: not an s3://bucket/prefix URL", uri)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%s: no bucket name", uri)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return bucket, prefix, nil
}

// Name is the s3:// URL the source was given.
func (s *S3Source) Name() string { return s.uri }

// List lists the objects that may be new. Objects of streams that could
// not be listed are left out and named in the error; the others are
// returned with it, and those streams are listed again next time.
func (s *S3Source) List(ctx context.Context) ([]Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Interval > 0 && !s.lastListed.IsZero() && time.Since(s.lastListed) < s.opts.Interval {
		return nil, s.lastErr // the error stands until the next listing
	}
	s.lastListed = time.Now()
	if s.client == nil {
		s.client = s.regionalClient(ctx)
	}
	w := newS3Walker(ctx, s)
	root, _ := parsePlace(s.prefix)
	w.run(root)
	for stream, day := range w.newest {
		if !w.failed[stream] {
			s.horizon[stream] = max(s.horizon[stream], day)
		}
	}
	slices.SortFunc(w.objs, func(a, b Object) int { return cmp.Compare(a.URI, b.URI) })
	s.lastErr = w.err()
	return w.objs, s.lastErr
}

// regionalClient is a client for the bucket's own Region.
func (s *S3Source) regionalClient(ctx context.Context) *s3.Client {
	client := newS3Client(s.cfg, s.opts.AWS, "")
	// A failure here is no reason to stop: listing fails next with the
	// error that matters (credentials, permissions), or works.
	if region, err := bucketRegion(ctx, client, s.bucket); err == nil && region != "" && region != s.cfg.Region {
		return newS3Client(s.cfg, s.opts.AWS, region)
	}
	return client
}

// object makes the Object of a listed key.
func (s *S3Source) object(ctx context.Context, client *s3.Client, o types.Object, at s3Place) Object {
	key := aws.ToString(o.Key)
	etag := aws.ToString(o.ETag)
	size := aws.ToInt64(o.Size)
	k := ParseDeliveryKey(key)
	if k.Account == "" { // Hive-style folders (aws-account-id=...)
		k.Account, k.Region = at.account, at.region
	}
	delivery := s.bucket
	if at.delivery != "" {
		delivery += "/" + at.delivery
	}
	return Object{
		URI:      "s3://" + s.bucket + "/" + key,
		Size:     size,
		ModTime:  s3Stamp(aws.ToTime(o.LastModified), etag),
		Delivery: delivery, Region: k.Region, Account: k.Account,
		open: func() (io.ReadCloser, error) { return s.get(ctx, client, key, etag, size) },
	}
}

// s3Stamp is an object's ModTime: its LastModified, which S3 gives to the
// second, with a hash of its ETag in the nanoseconds. Checkpoints compare
// size and ModTime, so an object replaced by one of the same size within
// the same second still reads as changed, with no field added to them;
// the stamp stays within a second of the true time.
func s3Stamp(lastModified time.Time, etag string) time.Time {
	h := fnv.New32a()
	h.Write([]byte(etag))
	return lastModified.Truncate(time.Second).Add(time.Duration(h.Sum32() % uint32(time.Second)))
}

// maxListErrors bounds the listing errors a poll reports: with a policy
// that denies a thousand accounts, one line per account says no more.
const maxListErrors = 5

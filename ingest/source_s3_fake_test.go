package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/gumshoe-sec/gumshoe/store"
)

// fakeS3 is gofakes3 on loopback behind a middleware that counts the
// requests and fails some of them on purpose, so that tests drive the
// real SDK client through listing, throttling and broken downloads.
type fakeS3 struct {
	t       testing.TB
	URL     string
	bucket  string
	backend *s3mem.Backend

	mu     sync.Mutex
	gets   map[string]int // GetObject requests by key
	ranges map[string]int // ranged GetObject requests by key
	lists  []string       // ListObjectsV2 prefixes, in order
	faults []*s3Fault
	// check, when set, may answer a request itself (return true).
	check func(w http.ResponseWriter, r *http.Request) bool
}

// s3Fault fails the requests match accepts, times times: with an S3 error
// (status and code) or, with cut set, by breaking the connection halfway
// through the body.
type s3Fault struct {
	match  func(r *http.Request) bool
	status int
	code   string
	cut    bool
	times  int
	hits   int
}

func newFakeS3(t testing.TB, bucket string) *fakeS3 {
	t.Helper()
	f := &fakeS3{t: t, bucket: bucket, backend: s3mem.New(), gets: map[string]int{}, ranges: map[string]int{}}
	if err := f.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(f.backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	inner := faker.Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serve(w, r, inner)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// objectKey is the key a request names, "" for a bucket-level request.
func (f *fakeS3) objectKey(r *http.Request) string {
	return strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/"+f.bucket), "/")
}

func (f *fakeS3) serve(w http.ResponseWriter, r *http.Request, inner http.Handler) {
	key := f.objectKey(r)
	f.mu.Lock()
	switch {
	case r.Method == http.MethodGet && r.URL.Query().Has("list-type"):
		f.lists = append(f.lists, r.URL.Query().Get("prefix"))
	case r.Method == http.MethodGet && key != "":
		f.gets[key]++
		if r.Header.Get("Range") != "" {
			f.ranges[key]++
		}
	}
	var fault *s3Fault
	for _, ft := range f.faults {
		if ft.hits < ft.times && ft.match(r) {
			ft.hits++
			fault = ft
			break
		}
	}
	check := f.check
	f.mu.Unlock()
	if check != nil && check(w, r) {
		return
	}
	switch {
	case fault == nil:
		inner.ServeHTTP(w, r)
	case fault.cut:
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()    // the client has the headers and half the body
		panic(http.ErrAbortHandler) // then the connection drops
	default:
		writeS3Error(w, fault.status, fault.code)
	}
}

func writeS3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected by the test</Message><RequestId>test</RequestId></Error>`, code)
}

// fail adds a fault.
func (f *fakeS3) fail(ft *s3Fault) *s3Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, ft)
	return ft
}

// getKey matches GetObject requests for key.
func (f *fakeS3) getKey(key string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodGet && f.objectKey(r) == key }
}

func (f *fakeS3) put(key string, body []byte) {
	f.t.Helper()
	if _, err := f.backend.PutObject(f.bucket, key, map[string]string{}, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		f.t.Fatal(err)
	}
}

// counts returns the GETs so far and resets the counters.
func (f *fakeS3) counts() (gets map[string]int, lists []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	gets, lists = f.gets, f.lists
	f.gets, f.lists = map[string]int{}, nil
	return gets, lists
}

func (f *fakeS3) rangedGets(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ranges[key]
}

// awsTestEnv makes the SDK's default chain find static credentials and
// nothing else: no instance metadata, no shared files of the developer's.
func awsTestEnv(t testing.TB) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIATESTEXAMPLE00001",
		"AWS_SECRET_ACCESS_KEY":       "test-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
}

// quickRetries backs off a millisecond, so that tests of retries are fast.
var quickRetries = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })

// testS3Source is a source on the fake with small list pages.
func testS3Source(t testing.TB, f *fakeS3, prefix string, o S3Options) *S3Source {
	t.Helper()
	o.AWS.EndpointURL, o.AWS.retryBackoff = f.URL, quickRetries
	if o.AWS.Region == "" {
		o.AWS.Region = "us-east-1"
	}
	o.pageSize = 100
	src, err := NewS3Source(context.Background(), "s3://"+f.bucket+"/"+prefix, o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// ingestSources runs one ingest of the sources into the database at db.
func ingestSources(t testing.TB, db string, srcs ...Source) Summary {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := (&Ingester{Store: st, Sources: srcs, Workers: 16}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// gzipWriters saves building the large state of a gzip writer per object.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gz compresses b as AWS delivers objects.
func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// trailObject is a CloudTrail delivery object of n events in account and
// region at t, their eventIDs unique to (account, region, t, seq).
func trailObject(account, region string, t time.Time, seq, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE%s","arn":"arn:aws:iam::%s:user/user-%d","accountId":"%s","accessKeyId":"AKIAEXAMPLE%08d","userName":"user-%d"},`+
			`"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"%s","sourceIPAddress":"198.51.100.%d","userAgent":"aws-cli/2.15.0",`+
			`"requestParameters":null,"responseElements":null,"requestID":"req-%s-%s-%d-%d-%d","eventID":"ev-%s-%s-%d-%d-%d","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management"}`,
			account, account, i%5, account, i%5, i%5,
			t.Add(time.Duration(i)*time.Second).Format(time.RFC3339), region, 1+i%200,
			account, region, t.Unix(), seq, i, account, region, t.Unix(), seq, i, account)
	}
	b.WriteString(`]}`)
	return gz([]byte(b.String()))
}

// trailKey is where an organisation trail delivers an object.
func trailKey(prefix, org, account, region string, t time.Time, seq int) string {
	return fmt.Sprintf("%sAWSLogs/%s/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%04d.json.gz",
		prefix, org, account, region, t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), seq)
}

// readTestdata reads a file of testdata/ingest.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ingest", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package ingest

import (
	"context"
	"io"
	"time"
)

// Object is one file or S3 object a source offers.
type Object struct {
	// URI identifies the object across runs: checkpoints are keyed by it.
	URI  string
	Size int64
	// ModTime and Size tell a changed object; for S3 objects ModTime also
	// carries the ETag (see s3Stamp).
	ModTime time.Time
	// Delivery, Region and Account describe who delivered the object, from
	// its key's AWS layout (see ParseDeliveryKey).
	Delivery string
	Region   string
	Account  string
	open     func() (io.ReadCloser, error)
}

// Open returns the object's raw (possibly gzipped) bytes.
func (o Object) Open() (io.ReadCloser, error) { return o.open() }

// Source lists objects to ingest. List is called again on every poll when
// following; it returns every object it has, and the checkpoints decide
// what is new. A source whose listing is costly may list only where new
// objects land (S3Source: the recent days, after its first listing), and
// may return what it could list along with an error for the rest.
type Source interface {
	// Name is how the source is shown in summaries: a path or a URL.
	Name() string
	List(ctx context.Context) ([]Object, error)
}

package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"
)

// RawCopyPath is where a kept copy of the object uri lives under dir. The
// name is a hash of the URI, so no object key (with "..", say) can place a
// file outside dir.
func RawCopyPath(dir, uri string) string {
	sum := sha256.Sum256([]byte(uri))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(dir, h[:2], h+".gz")
}

// rawCopy tees an object's raw bytes into a gzipped copy, written to a
// temporary name and renamed when the object has been read to its end.
type rawCopy struct {
	f    *os.File
	zw   *gzip.Writer // nil when the object is gzipped already
	path string
	err  error
}

func newRawCopy(dir, uri string) (*rawCopy, error) {
	path := RawCopyPath(dir, uri)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".partial-*")
	if err != nil {
		return nil, err
	}
	return &rawCopy{f: f, path: path}, nil
}

// wrap returns a reader that copies what it reads. Bytes that are gzip
// already (judged from the first ones) are kept as they are.
func (c *rawCopy) wrap(r io.Reader) io.Reader {
	var w io.Writer
	return io.TeeReader(r, writerFunc(func(p []byte) (int, error) {
		if w == nil {
			w = c.f
			if len(p) < 2 || p[0] != 0x1f || p[1] != 0x8b {
				c.zw = gzip.NewWriter(c.f)
				w = c.zw
			}
		}
		if c.err == nil {
			_, c.err = w.Write(p)
		}
		return len(p), nil // a failing copy never fails the ingest
	}))
}

// finish keeps the copy if the whole object was read and written.
func (c *rawCopy) finish(complete bool) error {
	if c.zw != nil && c.err == nil {
		c.err = c.zw.Close()
	}
	if err := c.f.Close(); c.err == nil {
		c.err = err
	}
	if !complete || c.err != nil {
		os.Remove(c.f.Name())
		return c.err
	}
	return os.Rename(c.f.Name(), c.path)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

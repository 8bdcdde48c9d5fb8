package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// fingerprintBytes is how much of an object's start identifies it: a file
// that grew keeps its start, a replaced one does not.
const fingerprintBytes = 4096

// fingerprint is the length and a hash of an object's first bytes.
func fingerprint(prefix []byte) []byte {
	sum := sha256.Sum256(prefix)
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(prefix))), sum[:16]...)
}

// sameStart reports whether prefix (the object's first bytes now) starts
// like the object whose fingerprint is fp did.
func sameStart(fp, prefix []byte) bool {
	if len(fp) < 2 {
		return false
	}
	n := int(binary.BigEndian.Uint16(fp))
	if n > len(prefix) {
		return false
	}
	return bytes.Equal(fingerprint(prefix[:n]), fp)
}

// openedObject is an object's decompressed content, ready to sniff.
type openedObject struct {
	prefix []byte // the raw first bytes, for the fingerprint
	r      *bufio.Reader
	closer io.Closer
}

// openContent opens an object, reads its first bytes and undoes gzip when
// the content (not the name) says it is gzipped. With keep set, the raw
// bytes are copied as they are read.
func openContent(o Object, keep *rawCopy) (*openedObject, error) {
	rc, err := o.Open()
	if err != nil {
		return nil, err
	}
	var raw io.Reader = rc
	if keep != nil {
		raw = keep.wrap(rc)
	}
	prefix := make([]byte, fingerprintBytes)
	n, err := io.ReadFull(raw, prefix)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		rc.Close()
		return nil, err
	}
	prefix = prefix[:n]
	var r io.Reader = io.MultiReader(bytes.NewReader(prefix), raw)
	if len(prefix) >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r = &capped{r: zr, left: MaxInflatedBytes}
	}
	br := objectReaders.Get().(*bufio.Reader)
	br.Reset(r)
	return &openedObject{prefix: prefix, r: br, closer: &pooledReader{rc, br}}, nil
}

// objectReaders are the read buffers of open objects, pooled as the
// splitter's are (newJSONReader).
var objectReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 256<<10) }}

// pooledReader closes an object and returns its buffer to the pool.
type pooledReader struct {
	io.Closer
	br *bufio.Reader
}

func (p *pooledReader) Close() error {
	err := p.Closer.Close()
	if p.br != nil {
		p.br.Reset(nil)
		objectReaders.Put(p.br)
		p.br = nil
	}
	return err
}

// errInflateCap stops a gzip bomb: an object may not expand past the cap.
var errInflateCap = fmt.Errorf("decompressed size exceeds the %d GiB cap", MaxInflatedBytes>>30)

type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errInflateCap
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// sniff looks at the start of the decompressed content.
func (o *openedObject) sniff() Format {
	head, _ := o.r.Peek(SniffBytes)
	return Sniff(head)
}

package ingest

import (
	"context"
	"fmt"
	"io"

	"github.com/gumshoe-sec/gumshoe/store"
)

// decodeObject reads one object from its resume point and sends its chunks.
// It returns an error only when the run is cancelled; everything wrong with
// the object itself is reported as a bad record or a notice. With keepDir
// set, a compressed copy of the object is kept there.
func decodeObject(ctx context.Context, j job, limit int, keepDir string, out *chunkQueue) error {
	name := displayName(j.obj.URI)
	cp := store.Checkpoint{URI: j.obj.URI, Size: j.obj.Size, ModTime: j.obj.ModTime.UnixNano(),
		Delivery: j.obj.Delivery, Region: j.obj.Region, Account: j.obj.Account}
	c := newChunker(ctx, j.source, name, cp, limit, out)
	var keep *rawCopy
	if keepDir != "" {
		var err error
		if keep, err = newRawCopy(keepDir, j.obj.URI); err != nil {
			c.Notice(fmt.Sprintf("raw copy not kept: %v", err))
		}
	}
	oo, err := openContent(j.obj, keep)
	if err != nil {
		if keep != nil {
			keep.finish(false)
		}
		c.cp.Fingerprint = []byte{}
		c.fail(fmt.Sprintf("cannot read: %v", err))
		return c.flush(true)
	}
	defer oo.closer.Close()
	err = decodeContent(j, oo, c)
	if keep != nil {
		// Read the rest so the copy is whole even where decoding stopped early.
		_, cerr := io.Copy(io.Discard, oo.r)
		if kerr := keep.finish(err == nil && cerr == nil); kerr != nil {
			c.Notice(fmt.Sprintf("raw copy not kept: %v", kerr))
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.fail(fmt.Sprintf("unreadable after record %d: %v", c.cp.Records, err))
	}
	return c.flush(true)
}

// decodeContent sniffs an opened object and decodes it from its resume
// point into c. The error is the reader's (a truncated gzip stream, say).
func decodeContent(j job, oo *openedObject, c *chunker) error {
	c.cp.Fingerprint = fingerprint(oo.prefix)
	skip := int64(0)
	if j.known && sameStart(j.cp.Fingerprint, oo.prefix) {
		// Interrupted, or grown since: go on after what is committed.
		skip = j.cp.Records
		c.cp.Records = skip
	}
	format := oo.sniff()
	c.cp.Format = format.String()
	switch format {
	case FormatCloudTrailDigest:
		c.Notice("CloudTrail digest file skipped")
		return nil
	case FormatUnknown:
		if skip == 0 {
			c.fail("not CloudTrail, VPC Flow Logs or GuardDuty content")
		}
		return nil
	}
	decode, _ := DecoderFor(format)
	return decode(oo.r, skip, c)
}

func displayName(uri string) string {
	const file = "file://"
	if len(uri) > len(file) && uri[:len(file)] == file {
		return uri[len(file):]
	}
	return uri
}

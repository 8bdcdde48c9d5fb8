package ingest

import (
	"context"
	"fmt"

	"github.com/gumshoe-sec/gumshoe/store"
)

// decodeObject reads one object from its resume point and sends its chunks.
// It returns an error only when the run is cancelled; everything wrong with
// the object itself is reported as a bad record or a notice.
func decodeObject(ctx context.Context, j job, limit int, out chan<- chunk) error {
	name := displayName(j.obj.URI)
	cp := store.Checkpoint{URI: j.obj.URI, Size: j.obj.Size, ModTime: j.obj.ModTime.UnixNano(),
		Delivery: j.obj.Delivery, Region: j.obj.Region, Account: j.obj.Account}
	c := newChunker(ctx, j.source, name, cp, limit, out)
	oo, err := openContent(j.obj)
	if err != nil {
		c.cp.Fingerprint = []byte{}
		c.fail(fmt.Sprintf("cannot read: %v", err))
		return c.flush(true)
	}
	defer oo.closer.Close()
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
		return c.flush(true)
	case FormatUnknown:
		if skip == 0 {
			c.fail("not CloudTrail, VPC Flow Logs or GuardDuty content")
		}
		return c.flush(true)
	}
	decode, _ := DecoderFor(format)
	if err := decode(oo.r, skip, c); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.fail(fmt.Sprintf("unreadable after record %d: %v", c.cp.Records, err))
	}
	return c.flush(true)
}

func displayName(uri string) string {
	const file = "file://"
	if len(uri) > len(file) && uri[:len(file)] == file {
		return uri[len(file):]
	}
	return uri
}

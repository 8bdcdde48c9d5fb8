package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxBodyResumes bounds how often one object's download picks up again
// after its connection broke.
const maxBodyResumes = 3

// get starts streaming an object. If-Match pins the download to the
// version listed: an object replaced in between fails (412) instead of
// being read under the old one's checkpoint, and is fetched again when a
// listing shows its new ETag.
func (s *S3Source) get(ctx context.Context, client *s3.Client, key, etag string, size int64) (io.ReadCloser, error) {
	b := &s3Body{ctx: ctx, client: client, bucket: s.bucket, key: key, etag: etag, size: size}
	body, err := b.request(0)
	if err != nil {
		return nil, err
	}
	b.body = body
	return b, nil
}

// s3Body is an object's content as it downloads. The SDK retries a request
// that fails, but not a response body cut short: a large object streamed
// while the decoders keep up can take minutes, and a connection reset
// then would end the object early. s3Body asks for the rest with a
// ranged GET instead.
type s3Body struct {
	ctx               context.Context
	client            *s3.Client
	bucket, key, etag string
	size, off         int64
	body              io.ReadCloser
	resumes           int
	failed            error
}

func (b *s3Body) request(from int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(b.key)}
	if b.etag != "" {
		in.IfMatch = aws.String(b.etag)
	}
	if from > 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", from))
	}
	out, err := b.client.GetObject(b.ctx, in)
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

func (b *s3Body) Read(p []byte) (int, error) {
	if b.failed != nil {
		return 0, b.failed
	}
	n, err := b.body.Read(p)
	b.off += int64(n)
	if errors.Is(err, io.EOF) && b.off < b.size {
		err = io.ErrUnexpectedEOF
	}
	if err == nil || errors.Is(err, io.EOF) || b.ctx.Err() != nil {
		return n, err
	}
	if b.resumes == maxBodyResumes {
		b.failed = err
		return n, err
	}
	b.resumes++
	b.body.Close()
	body, rerr := b.request(b.off)
	if rerr != nil {
		b.failed = fmt.Errorf("%w (and fetching the rest from byte %d: %v)", err, b.off, rerr)
		return n, b.failed
	}
	b.body = body
	return n, nil
}

func (b *s3Body) Close() error { return b.body.Close() }

package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// errCorruptParquet wraps what the Parquet library panics with.
var errCorruptParquet = errors.New("corrupt file")

// guardParquet calls into the Parquet library. The library trusts the
// sizes and offsets a file states, and panics (a nil pointer, a slice out
// of range) where they lie; a bucket's objects are untrusted input, so
// such a panic is a corrupt file. Only library calls are guarded: a panic
// of the sink's is a bug of ours, and must not pass for bad input.
func guardParquet(call func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errCorruptParquet, p)
		}
	}()
	return call()
}

// maxParquetChunkInflated caps what one column chunk says it inflates to.
const maxParquetChunkInflated = 1 << 30

// checkParquetFooter refuses a footer length that points outside the
// file, which the library would allocate before reading.
func checkParquetFooter(ra io.ReaderAt, size int64) error {
	var tail [8]byte
	if size < 12 {
		return errors.New("parquet: file too short")
	}
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return fmt.Errorf("parquet: %w: footer of %d bytes in a file of %d", errCorruptParquet, n, size)
	}
	return nil
}

// checkParquetChunks refuses column chunks larger than the file, or that
// would inflate past maxParquetChunkInflated, before any is read.
func checkParquetChunks(f *parquet.File, size int64) error {
	for i, rg := range f.Metadata().RowGroups {
		if rg.NumRows < 0 {
			return fmt.Errorf("parquet: %w: row group %d has %d rows", errCorruptParquet, i, rg.NumRows)
		}
		for _, c := range rg.Columns {
			m := c.MetaData
			if m.TotalCompressedSize < 0 || m.TotalCompressedSize > size || m.TotalUncompressedSize < 0 || m.TotalUncompressedSize > maxParquetChunkInflated {
				return fmt.Errorf("parquet: %w: row group %d has a column chunk of %d bytes, %d inflated", errCorruptParquet, i, m.TotalCompressedSize, m.TotalUncompressedSize)
			}
		}
	}
	return nil
}

// spoolParquet copies r where Parquet can be read at random: in memory
// up to inMemory bytes, else in a temporary file, up to maxBytes.
func spoolParquet(r io.Reader, inMemory, maxBytes int64) (io.ReaderAt, int64, func(), error) {
	head, err := io.ReadAll(io.LimitReader(r, inMemory+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if int64(len(head)) <= inMemory {
		return bytes.NewReader(head), int64(len(head)), func() {}, nil
	}
	tmp, err := os.CreateTemp("", "gumshoe-parquet-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("parquet object larger than %d bytes needs a temporary file: %w", inMemory, err)
	}
	os.Remove(tmp.Name())
	n, err := tmp.Write(head)
	if err == nil {
		var more int64
		more, err = io.Copy(tmp, io.LimitReader(r, maxBytes-int64(n)+1))
		size := int64(n) + more
		if err == nil && size > maxBytes {
			err = fmt.Errorf("parquet object larger than the cap of %d bytes", maxBytes)
		}
		if err == nil {
			return tmp, size, func() { tmp.Close() }, nil
		}
	}
	tmp.Close()
	return nil, 0, nil, err
}

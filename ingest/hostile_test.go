package ingest_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// gzipOf writes head, then n bytes of fill, then tail, gzipped: a small
// file that inflates to a large one.
func gzipOf(t *testing.T, path, head string, fill byte, n int, tail string) {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(head))
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for written := 0; written < n; written += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte(tail))
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGzipBombsAndHugeRecords feeds objects that inflate to 150 MB: one
// of zeros, one whose single record is a 150 MB string. Both are
// reported, the good file beside them lands, and memory stays bounded.
func TestGzipBombsAndHugeRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("inflates 300 MB")
	}
	dir := t.TempDir()
	gzipOf(t, filepath.Join(dir, "zeros.gz"), "", 0, 150<<20, "")
	gzipOf(t, filepath.Join(dir, "huge-record.json.gz"), `{"Records":[{"eventID":"x","userAgent":"`, 'a', 150<<20, `"}]}`)
	write(t, dir, "good.json", `{"eventVersion":"1.08","eventID":"g1","eventTime":"2026-10-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"alice"},"recipientAccountId":"123456789012"}`+"\n")
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	sum := ingestDir(t, filepath.Join(t.TempDir(), "g.db"), dir)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if sum.Total.Ingested.CloudTrailEvents != 1 {
		t.Errorf("the good file beside the bombs: %+v", sum.Total)
	}
	var zeros, huge bool
	for _, p := range sum.Sources[0].Problems {
		zeros = zeros || strings.HasSuffix(p.Object, "zeros.gz")
		huge = huge || (strings.HasSuffix(p.Object, "huge-record.json.gz") && strings.Contains(p.Reason, "cap"))
	}
	if !zeros || !huge {
		t.Errorf("problems = %+v", sum.Sources[0].Problems)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 96<<20 {
		t.Errorf("ingesting 300 MB of inflated input allocated %d MB", grew>>20)
	}
}

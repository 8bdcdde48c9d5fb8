package ingest

import (
	"bytes"
	"testing"
	"time"
)

func TestZZTime(t *testing.T) {
	data := genCloudTrailObject(10000)
	for range 20 {
		start := time.Now()
		sink := &countingSink{}
		DecodeCloudTrail(bytes.NewReader(data), 0, sink)
		t.Log(sink.n, time.Since(start), len(data))
	}
}

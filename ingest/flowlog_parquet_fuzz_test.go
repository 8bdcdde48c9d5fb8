package ingest

import (
	"bytes"
	"testing"
)

// FuzzDecodeFlowLogParquet checks that no file, however mangled, makes
// the Parquet decoder panic or report rows out of order: a flow log's
// bytes come from a bucket anyone with write access could have filled.
func FuzzDecodeFlowLogParquet(f *testing.F) {
	f.Add(writeParquet(f, parquetFlowRows(30), 10))
	f.Add(writeParquet(f, []parquetTextRow{{"10.0.0.1", "10.0.0.2", "22", "ACCEPT", "OK"}}, 10))
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := &flowTestSink{}
		DecodeFlowLogParquet(bytes.NewReader(data), 0, sink)
		for i, pos := range sink.order {
			if pos.Index != int64(i) {
				t.Fatalf("record %d reported at index %d", i, pos.Index)
			}
		}
	})
}

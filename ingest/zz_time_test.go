package ingest

import (
	"bytes"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/gumshoe-sec/gumshoe/graph"
)

func BenchmarkZZSplit(b *testing.B) {
	data := genCloudTrailObject(10000)
	for b.Loop() {
		n := 0
		splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error { n++; return nil })
	}
}

func BenchmarkZZGoccy(b *testing.B) {
	data := genCloudTrailObject(10000)
	var recs [][]byte
	splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error { recs = append(recs, bytes.Clone(rec)); return nil })
	b.ResetTimer()
	for b.Loop() {
		var r ctRecord
		for _, rec := range recs {
			r = ctRecord{}
			json.Unmarshal(rec, &r)
		}
	}
}
func BenchmarkZZGoccyNoCopy(b *testing.B) {
	data := genCloudTrailObject(10000)
	var recs [][]byte
	splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error { recs = append(recs, bytes.Clone(rec)); return nil })
	b.ResetTimer()
	for b.Loop() {
		var r ctRecord
		for _, rec := range recs {
			r = ctRecord{}
			json.UnmarshalWithOption(rec, &r, json.DecodeNoCopyString())
		}
	}
}
func BenchmarkZZApiCall(b *testing.B) {
	data := genCloudTrailObject(10000)
	var recs []ctRecord
	splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error {
		var r ctRecord
		json.Unmarshal(rec, &r)
		recs = append(recs, r)
		return nil
	})
	b.ResetTimer()
	for b.Loop() {
		for i := range recs {
			recs[i].apiCall()
		}
	}
}

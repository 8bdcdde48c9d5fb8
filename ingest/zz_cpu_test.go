package ingest

import (
	"bytes"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	json "github.com/goccy/go-json"
	"github.com/gumshoe-sec/gumshoe/graph"
)

func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

func minCPU(n int, f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := time.Hour
	for range n {
		s := threadCPU()
		f()
		if d := threadCPU() - s; d < best {
			best = d
		}
	}
	return best
}

func TestZZCPU(t *testing.T) {
	data := genCloudTrailObject(10000)
	var recs [][]byte
	splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error { recs = append(recs, bytes.Clone(rec)); return nil })
	var evs []ctRecord
	for _, r := range recs {
		var e ctRecord
		json.Unmarshal(r, &e)
		evs = append(evs, e)
	}
	t.Logf("split   %v", minCPU(15, func() {
		splitJSON(newJSONReader(bytes.NewReader(data)), cloudTrailContainers, 0, &jsonTestSink{}, func(rec []byte, pos graph.Position) error { return nil })
	}))
	t.Logf("goccy   %v", minCPU(15, func() {
		var r ctRecord
		for _, rec := range recs {
			r = ctRecord{}
			json.Unmarshal(rec, &r)
		}
	}))
	t.Logf("nocopy  %v", minCPU(15, func() {
		var r ctRecord
		for _, rec := range recs {
			r = ctRecord{}
			json.UnmarshalWithOption(bytes.Clone(rec), &r, json.DecodeNoCopyString())
		}
	}))
	t.Logf("apicall %v", minCPU(15, func() {
		for i := range evs {
			evs[i].apiCall()
		}
	}))
	t.Logf("total   %v", minCPU(15, func() {
		DecodeCloudTrail(bytes.NewReader(data), 0, &countingSink{})
	}))
}

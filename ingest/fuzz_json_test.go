package ingest

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"
)

// addJSONSeeds seeds a fuzz target with every JSON test file, decompressed,
// and a few shapes the files do not start with.
func addJSONSeeds(f *testing.F) {
	for _, dir := range []string{cloudTrailTestdata, guardDutyTestdata} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil || len(files) == 0 {
			f.Fatalf("no seeds in %s (%v)", dir, err)
		}
		for _, path := range files {
			f.Add(jsonTestFile(f, path))
		}
	}
	for _, s := range []string{"", "\xef\xbb\xbf[", `{"Records":[{},`, "{\"a\":\"\n{}", `[[[[[[`, `{"findings":[1,"x",null]}`} {
		f.Add([]byte(s))
	}
}

// checkJSONDecoder decodes data whole, in one-byte reads and resumed half
// way, and checks what any input must give: no error from an in-memory
// reader, every record reported once in index order, the same result
// whatever the reads, and a resume that yields exactly the later records.
func checkJSONDecoder(t *testing.T, decode Decoder, data []byte) *jsonTestSink {
	whole := &jsonTestSink{}
	if err := decode(bytes.NewReader(data), 0, whole); err != nil {
		t.Fatalf("error %v", err)
	}
	for i, index := range whole.indexes {
		if index != int64(i) {
			t.Fatalf("record %d has index %d: %q", i, index, whole.events)
		}
	}
	oneByte := &jsonTestSink{}
	if err := decode(iotest.OneByteReader(bytes.NewReader(data)), 0, oneByte); err != nil {
		t.Fatalf("error %v in one-byte reads", err)
	}
	if !reflect.DeepEqual(whole.events, oneByte.events) || !reflect.DeepEqual(whole.bad, oneByte.bad) {
		t.Fatalf("one-byte reads give %q %v, whole %q %v", oneByte.events, oneByte.bad, whole.events, whole.bad)
	}
	skip := int64(len(whole.events) / 2)
	resumed := &jsonTestSink{}
	if err := decode(bytes.NewReader(data), skip, resumed); err != nil {
		t.Fatalf("error %v when resumed", err)
	}
	if want := whole.events[skip:]; !reflect.DeepEqual(resumed.events, want) && len(want)+len(resumed.events) > 0 {
		t.Fatalf("resumed at %d: %q, want %q", skip, resumed.events, want)
	}
	return whole
}

func FuzzSniff(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, head []byte) {
		if got := Sniff(head); got > FormatGuardDuty {
			t.Fatalf("Sniff = %d", got)
		}
	})
}

func FuzzDecodeCloudTrail(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := checkJSONDecoder(t, DecodeCloudTrail, data)
		for _, c := range sink.calls {
			if c.EventID == "" || c.Time.IsZero() {
				t.Fatalf("call without identity: %+v", c)
			}
		}
	})
}

func FuzzDecodeGuardDuty(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := checkJSONDecoder(t, DecodeGuardDuty, data)
		for _, g := range sink.findings {
			if g.ID == "" || g.UpdatedAt.IsZero() || !json.Valid(g.Raw) {
				t.Fatalf("finding without identity or raw JSON: %+v", g)
			}
		}
	})
}

package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addFlowSeeds seeds a fuzz target with every flow-log test file, whole or
// as its first line.
func addFlowSeeds(f *testing.F, firstLine bool) {
	files, err := filepath.Glob(filepath.Join(flowTestDir, "*.log"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in %s: %v", flowTestDir, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if firstLine {
			line, _, _ := strings.Cut(string(data), "\n")
			f.Add(line)
		} else {
			f.Add(data)
		}
	}
}

// FuzzDecodeFlowLog checks that no input makes the decoder panic or lose
// its place: every record gets the next index on a later line, CRLF line
// endings read as LF ones, and resuming half-way gives the second half
// exactly.
func FuzzDecodeFlowLog(f *testing.F) {
	addFlowSeeds(f, false)
	f.Add(genFlowLog(20, 5))
	f.Fuzz(func(t *testing.T, data []byte) {
		LooksLikeFlowLog(data)
		full := decodeFlowBytes(t, data, 0)
		var line int64
		for i, pos := range full.order {
			if pos.Index != int64(i) || pos.Line <= line {
				t.Fatalf("record %d at %+v after line %d", i, pos, line)
			}
			line = pos.Line
		}
		for _, r := range full.flows {
			if r.SrcPort < -1 || r.SrcPort > 65535 || r.DstPort < -1 || r.DstPort > 65535 ||
				r.Protocol < -1 || r.Protocol > 255 || r.Packets < 0 || r.Bytes < 0 {
				t.Fatalf("out-of-range record %+v", r)
			}
			if r.Src.Zone() != "" || r.Dst.Zone() != "" {
				t.Fatalf("zoned address in %+v", r)
			}
		}
		crlf := decodeFlowBytes(t, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), 0)
		if !reflect.DeepEqual(crlf.flows, full.flows) || !reflect.DeepEqual(crlf.bad, full.bad) {
			t.Fatalf("CRLF line endings change what is read")
		}
		skip := int64(len(full.order) / 2)
		resumed := decodeFlowBytes(t, data, skip)
		if want := full.order[skip:]; len(want) > 0 && !reflect.DeepEqual(resumed.order, want) {
			t.Fatalf("resumed at %d: got %v, want %v", skip, resumed.order, want)
		}
		if len(resumed.flows) > 0 && !reflect.DeepEqual(resumed.flows, full.flows[len(full.flows)-len(resumed.flows):]) {
			t.Fatalf("resumed at %d: records differ", skip)
		}
	})
}

// FuzzParseFlowLogHeader checks that a parsed header names what it was
// given and reads back the same from its own String.
func FuzzParseFlowLogHeader(f *testing.F) {
	addFlowSeeds(f, true)
	f.Add("srcaddr srcaddr")
	f.Add("interface-id  future-field dstaddr\r")
	f.Fuzz(func(t *testing.T, line string) {
		format, err := ParseFlowLogHeader(line)
		if err != nil {
			return
		}
		if n := len(format.columns); n == 0 || n != len(format.names) || n >= 2*len(flowLogFields) {
			t.Fatalf("%d columns for %d names", n, len(format.names))
		}
		if format.Version() < 2 || format.Version() > 8 {
			t.Fatalf("version %d", format.Version())
		}
		again, err := ParseFlowLogHeader(format.String())
		if err != nil || !reflect.DeepEqual(again, format) {
			t.Fatalf("String %q reads back as %+v, %v", format.String(), again, err)
		}
	})
}

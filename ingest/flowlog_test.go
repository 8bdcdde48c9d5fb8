package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
)

const flowTestDir = "../testdata/ingest/flowlogs"

// flowTestSink records what a decoder hands over, in order.
type flowTestSink struct {
	flows   []graph.FlowRecord
	bad     []BadRecord
	notices []string
	// order is the position of every Flow and Bad call.
	order []graph.Position
}

func (s *flowTestSink) APICall(*graph.APICall) error {
	return errors.New("flow-log decoder emitted a CloudTrail event")
}

func (s *flowTestSink) Finding(*graph.Finding) error {
	return errors.New("flow-log decoder emitted a finding")
}

func (s *flowTestSink) Flow(f *graph.FlowRecord) error {
	s.flows = append(s.flows, *f)
	s.order = append(s.order, f.Pos)
	return nil
}

func (s *flowTestSink) Bad(b BadRecord) error {
	s.bad = append(s.bad, b)
	s.order = append(s.order, b.Pos)
	return nil
}

func (s *flowTestSink) Notice(msg string) { s.notices = append(s.notices, msg) }

func decodeFlowBytes(t testing.TB, data []byte, skip int64) *flowTestSink {
	t.Helper()
	sink := &flowTestSink{}
	if err := DecodeFlowLog(bytes.NewReader(data), skip, sink); err != nil {
		t.Fatalf("DecodeFlowLog: %v", err)
	}
	return sink
}

func readFlowTestFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(flowTestDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var (
	flowTestStart = int64(1700000000)
	flowTestEnd   = int64(1700000060)
	flowTestAcct  = "123456789012"
	flowTestENI   = "eni-0a1b2c3d4e5f60001"
	flowTestVPC   = "vpc-0aa11bb22cc33dd44"
	flowTestInst  = "i-0123456789abcdef0"
	flowIP        = netip.MustParseAddr
)

func TestDecodeFlowLogFiles(t *testing.T) {
	tests := []struct {
		file    string
		flows   int
		bad     []BadRecord
		notices []string
		// want holds whole records, by their place among the flows.
		want map[int]graph.FlowRecord
	}{
		{
			file: "v2-default-noheader.log", flows: 3,
			want: map[int]graph.FlowRecord{1: {
				Version: 2, Account: flowTestAcct, InterfaceID: flowTestENI,
				Src: flowIP("203.0.113.9"), Dst: flowIP("10.0.1.5"), SrcPort: 51515, DstPort: 22, Protocol: 6,
				Packets: 3, Bytes: 180, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionReject,
				TCPFlags: -1, Pos: graph.Position{Line: 2, Index: 1},
			}},
		},
		{
			file: "v2-header.log", flows: 3,
			notices: []string{"line 1: flow-log header, version 2, 14 fields"},
			want: map[int]graph.FlowRecord{
				1: {
					Version: 2, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("203.0.113.9"), Dst: flowIP("10.0.1.5"), SrcPort: 0, DstPort: 0, Protocol: 1,
					Packets: 4, Bytes: 336, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionReject,
					TCPFlags: -1, Pos: graph.Position{Line: 3, Index: 1},
				},
				2: {
					Version: 2, Account: "unknown", InterfaceID: "eni-0a1b2c3d4e5f60009",
					Src: flowIP("192.0.2.44"), Dst: flowIP("10.0.1.77"), SrcPort: 443, DstPort: 61000, Protocol: 6,
					Packets: 7, Bytes: 3100, Start: 1700000060, End: 1700000120, Action: graph.ActionAccept,
					TCPFlags: -1, Pos: graph.Position{Line: 4, Index: 2},
				},
			},
		},
		{
			file: "v3.log", flows: 3,
			notices: []string{"line 1: flow-log header, version 3, 21 fields"},
			want: map[int]graph.FlowRecord{1: {
				Version: 3, Account: flowTestAcct, InterfaceID: "eni-0ffee0000000000aa",
				Src: flowIP("10.0.2.10"), Dst: flowIP("10.0.1.5"), SrcPort: 80, DstPort: 34210, Protocol: 6,
				Packets: 12, Bytes: 11200, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionAccept,
				VPC: flowTestVPC, Subnet: "subnet-0aa11bb22cc33dd44", TCPFlags: 3,
				PktSrc: flowIP("198.51.100.8"), PktDst: flowIP("10.0.1.5"), Pos: graph.Position{Line: 3, Index: 1},
			}},
		},
		{
			file: "v4.log", flows: 2,
			want: map[int]graph.FlowRecord{1: {
				Version: 4, Account: flowTestAcct, InterfaceID: "eni-0b0b0b0b0b0b0b0b0",
				Src: flowIP("10.0.9.8"), Dst: flowIP("10.0.1.5"), SrcPort: 38211, DstPort: 8080, Protocol: 6,
				Packets: 2, Bytes: 120, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionAccept,
				VPC: flowTestVPC, Subnet: "subnet-0cc99dd88ee77ff66", Instance: "i-0fedcba9876543210", TCPFlags: 2,
				PktSrc: flowIP("10.0.9.8"), PktDst: flowIP("10.0.1.5"), Region: "us-east-1", AZ: "use1-wl1-bos-wlz1",
				Pos: graph.Position{Line: 3, Index: 1},
			}},
		},
		{
			file: "v5.log", flows: 3,
			notices: []string{"line 1: flow-log header, version 5, 29 fields"},
			want: map[int]graph.FlowRecord{
				0: {
					Version: 5, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("10.0.1.5"), Dst: flowIP("52.216.10.20"), SrcPort: 49152, DstPort: 443, Protocol: 6,
					Packets: 40, Bytes: 61200, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionAccept,
					VPC: flowTestVPC, Subnet: "subnet-0aa11bb22cc33dd44", Instance: flowTestInst, TCPFlags: 3,
					Direction: graph.FlowEgress, PktSrc: flowIP("10.0.1.5"), PktDst: flowIP("52.216.10.20"),
					Region: "us-east-1", AZ: "use1-az4", Pos: graph.Position{Line: 2, Index: 0},
				},
				2: {
					Version: 5, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("203.0.113.9"), Dst: flowIP("10.0.1.5"), SrcPort: 51515, DstPort: 22, Protocol: 6,
					Packets: 1, Bytes: 60, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionReject,
					VPC: flowTestVPC, Subnet: "subnet-0aa11bb22cc33dd44", Instance: flowTestInst, TCPFlags: 2,
					Direction: graph.FlowIngress, PktSrc: flowIP("203.0.113.9"), PktDst: flowIP("10.0.1.5"),
					Region: "us-east-1", AZ: "use1-az4", Pos: graph.Position{Line: 4, Index: 2},
				},
			},
		},
		{
			file: "custom-order.log", flows: 2,
			notices: []string{"line 1: flow-log header, version 5, 13 fields"},
			want: map[int]graph.FlowRecord{0: {
				Version: 5, InterfaceID: flowTestENI,
				Src: flowIP("10.0.1.5"), Dst: flowIP("198.51.100.7"), SrcPort: 49152, DstPort: 443, Protocol: 6,
				Packets: 10, Bytes: 5200, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionAccept,
				TCPFlags: 3, Direction: graph.FlowEgress, Pos: graph.Position{Line: 2, Index: 0},
			}},
		},
		{
			file: "ecs-reject-reason.log", flows: 2,
			notices: []string{"line 1: flow-log header, version 8, 19 fields; unknown fields ignored: resource-id"},
			want: map[int]graph.FlowRecord{1: {
				Version: 8, Account: flowTestAcct, InterfaceID: "eni-0e0e0e0e0e0e0e0e0",
				Src: flowIP("203.0.113.9"), Dst: flowIP("10.0.3.21"), SrcPort: 52000, DstPort: 443, Protocol: 6,
				Packets: 1, Bytes: 40, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionReject,
				TCPFlags: -1, Pos: graph.Position{Line: 3, Index: 1},
			}},
		},
		{
			file: "ipv6.log", flows: 3,
			want: map[int]graph.FlowRecord{
				0: {
					Version: 5, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("2001:db8:1234:1a00::5"), Dst: flowIP("2001:db8:ffff::7"), SrcPort: 49152, DstPort: 443,
					Protocol: 6, Packets: 10, Bytes: 5200, Start: flowTestStart, End: flowTestEnd,
					Action: graph.ActionAccept, TCPFlags: -1, Direction: graph.FlowEgress,
					Pos: graph.Position{Line: 2, Index: 0},
				},
				2: {
					Version: 5, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("fe80::1ff:fe23:4567:890a"), Dst: flowIP("2001:db8:1234:1a00::5"), SrcPort: -1, DstPort: -1,
					Protocol: 58, Packets: 1, Bytes: 72, Start: flowTestStart, End: flowTestEnd,
					Action: graph.ActionReject, TCPFlags: -1, Direction: graph.FlowIngress,
					Pos: graph.Position{Line: 4, Index: 2},
				},
			},
		},
		{
			file: "nodata-skipdata.log", flows: 3,
			want: map[int]graph.FlowRecord{
				0: {
					Version: 2, Account: flowTestAcct, InterfaceID: "eni-0a1b2c3d4e5f60002",
					SrcPort: -1, DstPort: -1, Protocol: -1, Start: flowTestStart, End: flowTestEnd,
					Status: graph.StatusNoData, TCPFlags: -1, Pos: graph.Position{Line: 2, Index: 0},
				},
				1: {
					Version: 2, Account: flowTestAcct, InterfaceID: "eni-0a1b2c3d4e5f60003",
					SrcPort: -1, DstPort: -1, Protocol: -1, Start: flowTestStart, End: flowTestEnd,
					Status: graph.StatusSkipData, TCPFlags: -1, Pos: graph.Position{Line: 3, Index: 1},
				},
			},
		},
		{
			file: "corrupt-middle.log", flows: 2,
			bad: []BadRecord{
				{Pos: graph.Position{Line: 3, Index: 1}, Reason: `field srcport: "abc" is not a port`},
				{Pos: graph.Position{Line: 4, Index: 2}, Reason: `13 fields where the format has 14`},
				{Pos: graph.Position{Line: 6, Index: 3}, Reason: `field srcaddr: "10.0.1.300" is not an IP address`},
				{Pos: graph.Position{Line: 7, Index: 4}, Reason: `field dstport: "70000" is not a port`},
				{Pos: graph.Position{Line: 8, Index: 5}, Reason: `field packets: "ten" is not a number`},
				{Pos: graph.Position{Line: 9, Index: 6}, Reason: `field action: "ALLOW" is not ACCEPT or REJECT`},
			},
			want: map[int]graph.FlowRecord{1: {
				Version: 2, Account: flowTestAcct, InterfaceID: flowTestENI,
				Src: flowIP("203.0.113.9"), Dst: flowIP("10.0.1.5"), SrcPort: 51515, DstPort: 22, Protocol: 6,
				Packets: 3, Bytes: 180, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionReject,
				TCPFlags: -1, Pos: graph.Position{Line: 10, Index: 7},
			}},
		},
		{
			file: "concatenated.log", flows: 4,
			notices: []string{
				"line 1: flow-log header, version 2, 14 fields",
				"line 4: flow-log header, version 4, 7 fields",
				"line 6: flow-log header, version 2, 14 fields",
			},
			want: map[int]graph.FlowRecord{
				2: {
					Version: 4, Src: flowIP("10.0.1.5"), Dst: flowIP("198.51.100.7"), SrcPort: 49152, DstPort: 443,
					Protocol: 6, Action: graph.ActionAccept, TCPFlags: -1, Region: "eu-west-1",
					Pos: graph.Position{Line: 5, Index: 2},
				},
				3: {
					Version: 2, Account: flowTestAcct, InterfaceID: flowTestENI,
					Src: flowIP("10.0.1.5"), Dst: flowIP("10.0.0.2"), SrcPort: 53001, DstPort: 53, Protocol: 17,
					Packets: 1, Bytes: 70, Start: flowTestStart, End: flowTestEnd, Action: graph.ActionAccept,
					TCPFlags: -1, Pos: graph.Position{Line: 7, Index: 3},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sink := decodeFlowBytes(t, readFlowTestFile(t, tt.file), 0)
			if len(sink.flows) != tt.flows {
				t.Errorf("got %d flows, want %d", len(sink.flows), tt.flows)
			}
			if !reflect.DeepEqual(sink.bad, tt.bad) {
				t.Errorf("bad records:\n got %v\nwant %v", sink.bad, tt.bad)
			}
			if tt.notices != nil && !reflect.DeepEqual(sink.notices, tt.notices) {
				t.Errorf("notices:\n got %q\nwant %q", sink.notices, tt.notices)
			}
			for i, want := range tt.want {
				if i >= len(sink.flows) {
					t.Errorf("no flow %d", i)
					continue
				}
				if got := sink.flows[i]; got != want {
					t.Errorf("flow %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
			for i, pos := range sink.order {
				if pos.Index != int64(i) {
					t.Errorf("record %d has index %d", i, pos.Index)
				}
			}
		})
	}
}

// flowTestLine is a default-format line with the given fields replaced, for
// cases that differ from a good record in one place.
func flowTestLine(replace map[int]string) string {
	f := strings.Fields("2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.5 198.51.100.7 49152 443 6 10 5200 1700000000 1700000060 ACCEPT OK")
	for i, v := range replace {
		f[i] = v
	}
	return strings.Join(f, " ")
}

func TestDecodeFlowLogLines(t *testing.T) {
	tests := []struct {
		name  string
		input string
		// check looks at the one record the input holds; reason is the
		// bad-record reason expected instead.
		check  func(graph.FlowRecord) bool
		reason string
	}{
		{name: "CRLF", input: flowTestLine(nil) + "\r\n",
			check: func(r graph.FlowRecord) bool { return r.Status == graph.StatusOK && r.Action == graph.ActionAccept }},
		{name: "spaces around and between fields", input: "\n  \r\n " + strings.ReplaceAll(flowTestLine(nil), " ", "   ") + " \n\n",
			check: func(r graph.FlowRecord) bool { return r.Pos == graph.Position{Line: 3, Index: 0} && r.DstPort == 443 }},
		{name: "no final newline", input: flowTestLine(nil),
			check: func(r graph.FlowRecord) bool { return r.End == flowTestEnd }},
		{name: "version from data", input: "version srcaddr region\n7 10.0.0.1 us-west-2\n",
			check: func(r graph.FlowRecord) bool { return r.Version == 7 && r.Region == "us-west-2" }},
		{name: "absent version inferred", input: "version srcaddr region\n- 10.0.0.1 us-west-2\n",
			check: func(r graph.FlowRecord) bool { return r.Version == 4 }},
		{name: "port bounds", input: flowTestLine(map[int]string{5: "0", 6: "65535"}),
			check: func(r graph.FlowRecord) bool { return r.SrcPort == 0 && r.DstPort == 65535 }},
		{name: "mapped IPv6", input: flowTestLine(map[int]string{3: "::ffff:10.0.1.5"}),
			check: func(r graph.FlowRecord) bool { return r.Src == flowIP("::ffff:10.0.1.5") }},
		{name: "large counters", input: flowTestLine(map[int]string{9: "9223372036854775807"}),
			check: func(r graph.FlowRecord) bool { return r.Bytes == 1<<63-1 }},
		{name: "words that name fields", input: "ecs-cluster-name region\nbytes us-east-1\n",
			check: func(r graph.FlowRecord) bool { return r.Region == "us-east-1" && r.Version == 7 }},
		{name: "tcp-flags", input: "tcp-flags srcaddr\n18 10.0.0.1\n",
			check: func(r graph.FlowRecord) bool { return r.TCPFlags == 18 && r.Version == 3 }},

		{name: "port too big", input: flowTestLine(map[int]string{5: "65536"}), reason: `field srcport: "65536" is not a port`},
		{name: "negative port", input: flowTestLine(map[int]string{6: "-1"}), reason: `field dstport: "-1" is not a port`},
		{name: "protocol too big", input: flowTestLine(map[int]string{7: "256"}), reason: `field protocol: "256" is not a protocol number`},
		{name: "counter overflow", input: flowTestLine(map[int]string{9: "9223372036854775808"}), reason: `field bytes: "9223372036854775808" is not a number`},
		{name: "twenty digits", input: flowTestLine(map[int]string{10: "17000000000000000000"}), reason: `field start: "17000000000000000000" is not a number`},
		{name: "leading zero octet", input: flowTestLine(map[int]string{4: "198.051.100.7"}), reason: `field dstaddr: "198.051.100.7" is not an IP address`},
		{name: "zoned IPv6", input: flowTestLine(map[int]string{3: "fe80::1%eth0"}), reason: `field srcaddr: "fe80::1%eth0" is not an IP address`},
		{name: "hostname", input: flowTestLine(map[int]string{3: "example.com"}), reason: `field srcaddr: "example.com" is not an IP address`},
		{name: "bad version", input: flowTestLine(map[int]string{0: "v2"}), reason: `field version: "v2" is not a flow-log version`},
		{name: "bad log-status", input: flowTestLine(map[int]string{13: "FINE"}), reason: `field log-status: "FINE" is not OK, NODATA or SKIPDATA`},
		{name: "bad direction", input: "flow-direction srcaddr\nsideways 10.0.0.1\n", reason: `field flow-direction: "sideways" is not ingress or egress`},
		{name: "bad tcp-flags", input: "tcp-flags srcaddr\n0x12 10.0.0.1\n", reason: `field tcp-flags: "0x12" is not a TCP flags value`},
		{name: "control characters quoted", input: flowTestLine(map[int]string{5: "\x1b[31m"}), reason: `field srcport: "\x1b[31m" is not a port`},
		{name: "long value cut", input: flowTestLine(map[int]string{5: strings.Repeat("9", 100)}),
			reason: `field srcport: "` + strings.Repeat("9", 64) + `"... is not a port`},
		{name: "tab is no separator", input: strings.Replace(flowTestLine(nil), " 443", "\t443", 1), reason: "13 fields where the format has 14"},
		{name: "too many fields", input: flowTestLine(nil) + " extra", reason: "15 fields where the format has 14"},
		{name: "header naming a field twice", input: "srcaddr dstaddr srcaddr\n", reason: "flow-log header names field srcaddr twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := decodeFlowBytes(t, []byte(tt.input), 0)
			switch {
			case tt.check != nil && len(sink.flows) == 1 && len(sink.bad) == 0:
				if !tt.check(sink.flows[0]) {
					t.Errorf("unexpected record %+v", sink.flows[0])
				}
			case tt.reason != "" && len(sink.flows) == 0 && len(sink.bad) == 1:
				if sink.bad[0].Reason != tt.reason {
					t.Errorf("reason %q, want %q", sink.bad[0].Reason, tt.reason)
				}
			default:
				t.Errorf("got flows %+v, bad %v", sink.flows, sink.bad)
			}
		})
	}
}

// TestDecodeFlowLogSkip resumes every test file at every record and checks
// that exactly the records from the resume point on come out.
func TestDecodeFlowLogSkip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(flowTestDir, "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	inputs := map[string][]byte{"generated": genFlowLog(500, 5)}
	for _, f := range files {
		inputs[filepath.Base(f)] = readFlowTestFile(t, filepath.Base(f))
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			full := decodeFlowBytes(t, data, 0)
			for skip := int64(0); skip <= int64(len(full.order))+1; skip++ {
				resumed := decodeFlowBytes(t, data, skip)
				want := full.order[min(skip, int64(len(full.order))):]
				if len(resumed.order) != len(want) || (len(want) > 0 && !reflect.DeepEqual(resumed.order, want)) {
					t.Fatalf("skip %d: got %v, want %v", skip, resumed.order, want)
				}
				if n := len(resumed.flows); n > 0 && resumed.flows[n-1] != full.flows[len(full.flows)-1] {
					t.Fatalf("skip %d: last flow differs", skip)
				}
			}
		})
	}
}

// flowFailingReader hands over its data, then fails as a truncated gzip
// stream does.
type flowFailingReader struct{ data []byte }

func (r *flowFailingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestDecodeFlowLogReaderError(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		flows     int
		badReason string
	}{
		{"cut mid-line", flowTestLine(nil) + "\n" + flowTestLine(nil) + "\n2 1234", 2, "line cut short: unexpected EOF"},
		{"cut at line end", flowTestLine(nil) + "\n", 1, ""},
		{"cut after blanks", flowTestLine(nil) + "\n  ", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &flowTestSink{}
			err := DecodeFlowLog(&flowFailingReader{[]byte(tt.data)}, 0, sink)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("error %v, want unexpected EOF", err)
			}
			if len(sink.flows) != tt.flows {
				t.Errorf("got %d flows, want %d", len(sink.flows), tt.flows)
			}
			switch {
			case tt.badReason == "" && len(sink.bad) != 0:
				t.Errorf("unexpected bad records %v", sink.bad)
			case tt.badReason != "" && !reflect.DeepEqual(sink.bad, []BadRecord{
				{Pos: graph.Position{Line: 3, Index: 2}, Reason: tt.badReason, Truncated: true}}):
				t.Errorf("bad records %+v, want one truncated at line 3: %q", sink.bad, tt.badReason)
			}
		})
	}
}

// TestDecodeFlowLogUnterminatedLine checks that a last line without a line
// ending is read like any other, but reported Truncated when it is bad:
// in a file still being written it may be whole on the next read.
func TestDecodeFlowLogUnterminatedLine(t *testing.T) {
	half := flowTestLine(nil)[:len(flowTestLine(nil))-1]
	tests := []struct {
		name  string
		input string
		flows int
		bad   []BadRecord
	}{
		{"whole", flowTestLine(nil) + "\n" + flowTestLine(nil), 2, nil},
		{"half written", flowTestLine(nil) + "\n" + half, 1, []BadRecord{{Pos: graph.Position{Line: 2, Index: 1},
			Reason: `field log-status: "O" is not OK, NODATA or SKIPDATA`, Truncated: true}}},
		{"cut after a field", flowTestLine(nil) + "\n2 123456789012", 1, []BadRecord{{Pos: graph.Position{Line: 2, Index: 1},
			Reason: "2 fields where the format has 14", Truncated: true}}},
		{"bad but ended", half + "\n" + flowTestLine(nil), 1, []BadRecord{{Pos: graph.Position{Line: 1, Index: 0},
			Reason: `field log-status: "O" is not OK, NODATA or SKIPDATA`}}},
		{"trailing blanks", flowTestLine(nil) + "\n  ", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := decodeFlowBytes(t, []byte(tt.input), 0)
			if len(sink.flows) != tt.flows || !reflect.DeepEqual(sink.bad, tt.bad) {
				t.Errorf("got %d flows, bad %+v; want %d, %+v", len(sink.flows), sink.bad, tt.flows, tt.bad)
			}
		})
	}
}

func TestDecodeFlowLogTruncatedGzip(t *testing.T) {
	data := genFlowLog(20000, 5)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Bytes()[:zipped.Len()/2]))
	if err != nil {
		t.Fatal(err)
	}
	sink := &flowTestSink{}
	err = DecodeFlowLog(zr, 0, sink)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error %v, want unexpected EOF", err)
	}
	full := decodeFlowBytes(t, data, 0)
	n := len(sink.flows)
	if n == 0 || n >= len(full.flows) || !reflect.DeepEqual(sink.flows, full.flows[:n]) {
		t.Fatalf("got %d flows, want a prefix of the %d in the object", n, len(full.flows))
	}
	for _, b := range sink.bad {
		if b.Pos.Index != int64(n) || !b.Truncated || !strings.HasPrefix(b.Reason, "line cut short") {
			t.Errorf("unexpected bad record %v", b)
		}
	}
}

// flowByteReader is an endless stream of one byte, so a test can feed a
// huge line without holding it in memory.
type flowByteReader byte

func (r flowByteReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestDecodeFlowLogLongLines(t *testing.T) {
	const huge = 20 << 20
	input := io.MultiReader(
		strings.NewReader(defaultFlowLogHeader+"\n"+flowTestLine(nil)+"\n"),
		io.LimitReader(flowByteReader('x'), huge),
		strings.NewReader("\n"+flowTestLine(nil)+"\n"+
			strings.Repeat("7 ", 100<<10)+"\n"+
			strings.Replace(flowTestLine(nil), " ", strings.Repeat(" ", 200<<10), 1)+"\n"+
			strings.Repeat("y", MaxRecordBytes+1)+"\r\n"),
	)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sink := &flowTestSink{}
	if err := DecodeFlowLog(input, 0, sink); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	tooLong := fmt.Sprintf("line is longer than %d bytes", MaxRecordBytes)
	wantBad := []BadRecord{
		{Pos: graph.Position{Line: 3, Index: 1}, Reason: tooLong},
		{Pos: graph.Position{Line: 5, Index: 3}, Reason: fmt.Sprintf("%d fields where the format has 14", 100<<10)},
		{Pos: graph.Position{Line: 7, Index: 5}, Reason: tooLong},
	}
	if !reflect.DeepEqual(sink.bad, wantBad) {
		t.Errorf("bad records:\n got %v\nwant %v", sink.bad, wantBad)
	}
	if len(sink.flows) != 3 || sink.flows[2].Pos != (graph.Position{Line: 6, Index: 4}) || sink.flows[2].End != flowTestEnd {
		t.Errorf("flows %+v, want lines 2, 4 and the padded line 6", sink.flows)
	}
	// The 20 MB line and the one just over the limit are dropped as they
	// arrive: what the decoder allocates stays near one MaxRecordBytes
	// buffer, where holding the line would take several times its size.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*MaxRecordBytes {
		t.Errorf("decoding allocated %d MB", alloc>>20)
	}
}

// TestDecodeFlowLogAllocations checks that decoding allocates per object,
// not per record: IDs are interned, numbers and IPv4 addresses parsed in
// place, and the record reused.
func TestDecodeFlowLogAllocations(t *testing.T) {
	allocs := func(data []byte) float64 {
		return testing.AllocsPerRun(3, func() {
			if err := DecodeFlowLog(bytes.NewReader(data), 0, &flowCountingSink{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(genFlowLog(1000, 5)), allocs(genFlowLog(20000, 5))
	if large > small+5 {
		t.Errorf("%v allocations for 1000 records, %v for 20000", small, large)
	}
}

// flowStoppingSink fails at the first bad record, as a sink whose
// database is gone does.
type flowStoppingSink struct {
	flowTestSink
	stop error
}

func (s *flowStoppingSink) Bad(BadRecord) error { return s.stop }

func TestDecodeFlowLogSinkError(t *testing.T) {
	stop := errors.New("disk full")
	sink := &flowStoppingSink{stop: stop}
	err := DecodeFlowLog(bytes.NewReader(readFlowTestFile(t, "corrupt-middle.log")), 0, sink)
	if err != stop || len(sink.flows) != 1 {
		t.Fatalf("error %v after %d flows, want the sink's after 1", err, len(sink.flows))
	}
}

func TestFlowLogConformance(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "samples",
		"derived_216782312663_vpcflowlogs_us-east-1_fl-01b07217476488e53_20210902T2145Z_c2ed8707.first100lines.log")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared sample absent: %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !LooksLikeFlowLog(data) {
		t.Error("LooksLikeFlowLog is false for a real S3 object")
	}
	sink := decodeFlowBytes(t, data, 0)
	if len(sink.bad) != 0 || len(sink.notices) != 1 {
		t.Errorf("bad %v, notices %q", sink.bad, sink.notices)
	}
	counts := map[graph.Action]int{}
	for _, f := range sink.flows {
		counts[f.Action]++
		if f.Version != 2 || f.Account != "216782312663" || f.Status != graph.StatusOK {
			t.Errorf("unexpected record %+v", f)
		}
	}
	if len(sink.flows) != 99 || counts[graph.ActionReject] != 67 || counts[graph.ActionAccept] != 32 {
		t.Errorf("got %d flows, %v; want 99: 67 REJECT, 32 ACCEPT", len(sink.flows), counts)
	}
	want := graph.FlowRecord{
		Version: 2, Account: "216782312663", InterfaceID: "eni-0b2fc5457066bc156",
		Src: flowIP("89.248.165.164"), Dst: flowIP("10.0.0.164"), SrcPort: 39540, DstPort: 1900, Protocol: 17,
		Packets: 1, Bytes: 118, Start: 1630619088, End: 1630619102, Action: graph.ActionReject,
		TCPFlags: -1, Pos: graph.Position{Line: 2, Index: 0},
	}
	if len(sink.flows) > 0 && sink.flows[0] != want {
		t.Errorf("first record\n got %+v\nwant %+v", sink.flows[0], want)
	}
}

func TestParseFlowLogHeader(t *testing.T) {
	v5 := defaultFlowLogHeader + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr" +
		" region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
	tests := []struct {
		line    string
		version int
		columns []flowField
		unknown []string
		err     string
	}{
		{line: defaultFlowLogHeader, version: 2, columns: defaultFlowLogFormat.columns},
		{line: v5 + "\r\n", version: 5},
		{line: "  dstport   srcaddr  ", version: 2, columns: []flowField{flowFieldDstPort, flowFieldSrcAddr}},
		{line: "dstport\tsrcaddr", err: errNotFlowLogHeader.Error()},
		{line: "srcaddr pkt-dstaddr", version: 3, columns: []flowField{flowFieldSrcAddr, flowFieldPktDstAddr}},
		{line: "interface-id az-id sublocation-id", version: 4,
			columns: []flowField{flowFieldInterface, flowFieldAZ, flowFieldIgnored}},
		{line: "srcaddr ecs-task-arn", version: 7, columns: []flowField{flowFieldSrcAddr, flowFieldIgnored}},
		{line: "reject-reason action", version: 8, columns: []flowField{flowFieldIgnored, flowFieldAction}},
		{line: "srcaddr dstaddr encryption-status", version: 2, unknown: []string{"encryption-status"},
			columns: []flowField{flowFieldSrcAddr, flowFieldDstAddr, flowFieldIgnored}},

		{line: "", err: errNotFlowLogHeader.Error()},
		{line: "srcaddr future-one future-two", err: errNotFlowLogHeader.Error()},
		{line: "SRCADDR DSTADDR", err: errNotFlowLogHeader.Error()},
		{line: "srcaddr dstaddr 2", err: errNotFlowLogHeader.Error()},
		{line: flowTestLine(nil), err: errNotFlowLogHeader.Error()},
		{line: "srcaddr dstaddr srcaddr", err: "flow-log header names field srcaddr twice"},
		{line: v5 + flowFutureFields(30), err: errNotFlowLogHeader.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			f, err := ParseFlowLogHeader(tt.line)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Version() != tt.version || !reflect.DeepEqual(f.unknown, tt.unknown) {
				t.Errorf("version %d, unknown %q; want %d, %q", f.Version(), f.unknown, tt.version, tt.unknown)
			}
			if tt.columns != nil && !reflect.DeepEqual(f.columns, tt.columns) {
				t.Errorf("columns %v, want %v", f.columns, tt.columns)
			}
			if want := strings.Join(strings.Fields(tt.line), " "); f.String() != want {
				t.Errorf("String() = %q, want %q", f.String(), want)
			}
		})
	}
}

// flowFutureFields names n fields AWS has not documented.
func flowFutureFields(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " future-%d", i)
	}
	return b.String()
}

func TestLooksLikeFlowLog(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"default header", defaultFlowLogHeader + "\n" + flowTestLine(nil) + "\n", true},
		{"blank lines then CRLF header", "\n \r\n" + defaultFlowLogHeader + "\r\n", true},
		{"custom header", "interface-id srcaddr dstport action\n", true},
		{"header with a future field", "srcaddr dstaddr dstport resource-id\n", true},
		{"header cut by the sniff window", "version account-id interface-id srcaddr dst", true},
		{"v2 record", flowTestLine(nil) + "\n", true},
		{"v2 NODATA record", "2 123456789012 eni-0a1b2c3d4e5f60002 - - - - - - - 1700000000 1700000060 - NODATA\n", true},
		{"v2 IPv6 record", flowTestLine(map[int]string{3: "2001:db8::1"}), true},

		{"empty", "", false},
		{"blank", " \n\r\n", false},
		{"too few known fields", "srcaddr dstaddr\n", false},
		{"no anchor field", "version bytes packets start end\n", false},
		{"mostly unknown names", "srcaddr dstaddr srcport one two three four\n", false},
		{"prose", "the end of the start\n", false},
		{"CloudTrail", `{"Records":[{"eventVersion":"1.08"}]}`, false},
		{"v5 record without a header", string(genFlowLog(1, 5)[bytes.IndexByte(genFlowLog(1, 5), '\n')+1:]), false},
		{"v3 record", flowTestLine(map[int]string{0: "3"}), false},
		{"13 fields", flowTestLine(nil)[:strings.LastIndexByte(flowTestLine(nil), ' ')], false},
		{"not an interface", flowTestLine(map[int]string{2: "i-0123"}), false},
		{"bad address", flowTestLine(map[int]string{4: "10.0.0.300"}), false},
		{"bad port", flowTestLine(map[int]string{5: "http"}), false},
		{"bad action", flowTestLine(map[int]string{12: "ALLOW"}), false},
		{"bad status", flowTestLine(map[int]string{13: "-"}), false},
		{"binary", "\x00\xff\x1f\x8b\x08 2 \xfe", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLikeFlowLog([]byte(tt.head)); got != tt.want {
				t.Errorf("LooksLikeFlowLog(%q) = %v", tt.head, got)
			}
		})
	}
}

func TestScanFlowAddrMatchesNetip(t *testing.T) {
	for _, s := range []string{
		"0.0.0.0", "255.255.255.255", "10.0.1.5", "1.2.3.256", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3",
		".1.2.3", "1.2.3.", "1.2.3.4 ", "1.2.3.-4", "1.2.3.0004", "2001:db8::1", "::", "::ffff:1.2.3.4",
		"2001:db8::1::2", "-", "", "300.1.1.1", "1.2.3.4%eth0", "fe80::1%eth0",
	} {
		got, end, ok := scanFlowAddr([]byte(s+" next"), 0)
		ok = ok && end == len(s)
		want, err := netip.ParseAddr(s)
		if wantOK := err == nil && want.Zone() == ""; ok != wantOK || (ok && got != want) {
			t.Errorf("scanFlowAddr(%q) = %v, %v; netip says %v, %v", s, got, ok, want, err)
		}
	}
}

func TestScanFlowUintMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		digits := make([]byte, rng.IntN(22))
		for i := range digits {
			digits[i] = byte('0' + rng.IntN(10))
		}
		field := string(digits)
		if rng.IntN(4) == 0 && len(field) > 0 {
			field = field[:rng.IntN(len(field))] + string("x.:-/ "[rng.IntN(5)]) + field[rng.IntN(len(field)):]
		}
		for _, around := range [][2]string{{"", ""}, {"", " 7"}, {"9 ", " 123456789"}} {
			line, p := around[0]+field+around[1], len(around[0])
			got, end, ok := scanFlowUint([]byte(line), p, maxFlowInt64)
			want, err := strconv.ParseUint(field, 10, 63)
			if wantOK := err == nil && len(field) <= 19; ok != wantOK || (ok && (got != want || end != p+len(field))) {
				t.Fatalf("scanFlowUint(%q at %d) = %d, %d, %v; strconv says %d, %v", line, p, got, end, ok, want, err)
			}
		}
	}
}

// genFlowLog makes an object of n records whose values vary as real ones
// do: a few interfaces, interleaved line by line (the harder case for
// interning), and many remote addresses. version 5 writes AWS's full
// version-5 layout, anything else the default one.
func genFlowLog(n int, version int) []byte {
	rng := rand.New(rand.NewPCG(1, uint64(version)))
	var b bytes.Buffer
	header := defaultFlowLogHeader
	if version == 5 {
		header += " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id" +
			" sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
	}
	b.WriteString(header + "\n")
	line := make([]byte, 0, 512)
	for i := range n {
		eni := rng.IntN(8)
		local := fmt.Sprintf("10.0.%d.%d", eni, 10+eni)
		remote := fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
		src, dst, dir := local, remote, "egress"
		if rng.IntN(2) == 0 {
			src, dst, dir = remote, local, "ingress"
		}
		start := 1700000000 + int64(i/100)
		line = line[:0]
		line = strconv.AppendInt(line, int64(version), 10)
		line = fmt.Appendf(line, " 123456789012 eni-0a1b2c3d4e5f6%04d %s %s %d %d 6 %d %d %d %d %s OK",
			eni, src, dst, 1024+rng.IntN(60000), []int{22, 80, 443, 3389, 5432}[rng.IntN(5)],
			1+rng.IntN(100), 40+rng.IntN(100000), start, start+60, []string{"ACCEPT", "REJECT"}[rng.IntN(2)])
		if version == 5 {
			line = fmt.Appendf(line, " vpc-0aa11bb22cc33dd44 subnet-0aa11bb22cc33dd4%d i-0123456789abcd%03d %d IPv4 %s %s us-east-1 use1-az4 - - - - %s -",
				eni%2, eni, []int{2, 3, 18, 19}[rng.IntN(4)], src, dst, dir)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// flowCountingSink is the cheapest sink, so a benchmark measures the
// decoder alone.
type flowCountingSink struct {
	flowTestSink
	n int
}

func (s *flowCountingSink) Flow(*graph.FlowRecord) error {
	s.n++
	return nil
}

// BenchmarkDecodeFlowLog decodes a 200,000-record object held in memory,
// in the full version-5 layout and in the default one, and reports
// records per second: the decoder's share of ingest throughput.
func BenchmarkDecodeFlowLog(b *testing.B) {
	const records = 200000
	for _, version := range []int{5, 2} {
		data := genFlowLog(records, version)
		b.Run(fmt.Sprintf("v%d", version), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			runs := 0
			for b.Loop() {
				runs++
				sink := &flowCountingSink{}
				if err := DecodeFlowLog(bytes.NewReader(data), 0, sink); err != nil || sink.n != records {
					b.Fatalf("decoded %d records: %v", sink.n, err)
				}
			}
			b.ReportMetric(float64(records*runs)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

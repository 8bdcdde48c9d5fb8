package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// parquetFlowRow is a row of a Parquet flow log as AWS writes it: the
// fields of the text format with underscores, typed (INT_32 ports and
// protocol, INT_64 counters and times, strings for the rest), optional
// where AWS may leave a value out.
type parquetFlowRow struct {
	Version       int32   `parquet:"version"`
	AccountID     string  `parquet:"account_id"`
	InterfaceID   *string `parquet:"interface_id,optional"`
	SrcAddr       *string `parquet:"srcaddr,optional"`
	DstAddr       *string `parquet:"dstaddr,optional"`
	SrcPort       *int32  `parquet:"srcport,optional"`
	DstPort       *int32  `parquet:"dstport,optional"`
	Protocol      *int32  `parquet:"protocol,optional"`
	Packets       *int64  `parquet:"packets,optional"`
	Bytes         *int64  `parquet:"bytes,optional"`
	Start         int64   `parquet:"start"`
	End           int64   `parquet:"end"`
	Action        *string `parquet:"action,optional"`
	LogStatus     string  `parquet:"log_status"`
	VPCID         *string `parquet:"vpc_id,optional"`
	SubnetID      *string `parquet:"subnet_id,optional"`
	InstanceID    *string `parquet:"instance_id,optional"`
	TCPFlags      *int32  `parquet:"tcp_flags,optional"`
	Type          *string `parquet:"type,optional"`
	PktSrcAddr    *string `parquet:"pkt_srcaddr,optional"`
	PktDstAddr    *string `parquet:"pkt_dstaddr,optional"`
	Region        *string `parquet:"region,optional"`
	AZID          *string `parquet:"az_id,optional"`
	FlowDirection *string `parquet:"flow_direction,optional"`
	TrafficPath   *int32  `parquet:"traffic_path,optional"`
	RejectReason  *string `parquet:"reject_reason,optional"`
	// A column no flow log has: tolerated, like unknown text fields.
	Future *string `parquet:"future_field,optional"`
}

// parquetFlowText lists the same columns as a text header and line,
// "-" for a null, to compare the decoders.
const parquetFlowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id flow-direction traffic-path reject-reason future-field"

func (r parquetFlowRow) text() string {
	s := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	i32 := func(p *int32) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	i64 := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return strings.Join([]string{fmt.Sprint(r.Version), r.AccountID, s(r.InterfaceID), s(r.SrcAddr), s(r.DstAddr),
		i32(r.SrcPort), i32(r.DstPort), i32(r.Protocol), i64(r.Packets), i64(r.Bytes), fmt.Sprint(r.Start), fmt.Sprint(r.End),
		s(r.Action), r.LogStatus, s(r.VPCID), s(r.SubnetID), s(r.InstanceID), i32(r.TCPFlags), s(r.Type),
		s(r.PktSrcAddr), s(r.PktDstAddr), s(r.Region), s(r.AZID), s(r.FlowDirection), i32(r.TrafficPath),
		s(r.RejectReason), s(r.Future)}, " ")
}

func ptr[T any](v T) *T { return &v }

// parquetFlowRows makes n rows: ACCEPT and REJECT flows of a few
// interfaces, every seventh a NODATA row with its nulls.
func parquetFlowRows(n int) []parquetFlowRow {
	rows := make([]parquetFlowRow, n)
	for i := range rows {
		r := parquetFlowRow{Version: 5, AccountID: "123456789012", Start: 1700000000 + int64(i), End: 1700000060 + int64(i),
			LogStatus: "OK", Region: ptr("us-east-1"), AZID: ptr("use1-az1"), VPCID: ptr("vpc-0aa11bb22cc33dd44"),
			SubnetID: ptr("subnet-0123"), InterfaceID: ptr(fmt.Sprintf("eni-0a1b2c3d4e5f6000%d", i%4))}
		if i%7 == 6 {
			r.LogStatus = "NODATA"
			rows[i] = r
			continue
		}
		r.SrcAddr, r.DstAddr = ptr(fmt.Sprintf("10.0.%d.%d", i/250%250, i%250)), ptr("203.0.113.9")
		r.PktSrcAddr, r.PktDstAddr = r.SrcAddr, r.DstAddr
		r.SrcPort, r.DstPort, r.Protocol = ptr(int32(40000+i%1000)), ptr(int32(443)), ptr(int32(6))
		r.Packets, r.Bytes, r.TCPFlags = ptr(int64(1+i%9)), ptr(int64(100*(1+i%9))), ptr(int32(2))
		r.Action, r.Type, r.FlowDirection, r.TrafficPath = ptr("ACCEPT"), ptr("IPv4"), ptr("egress"), ptr(int32(1))
		r.InstanceID = ptr("i-0123456789abcdef0")
		if i%5 == 0 {
			r.Action, r.FlowDirection, r.RejectReason = ptr("REJECT"), ptr("ingress"), ptr("BPA")
		}
		rows[i] = r
	}
	return rows
}

// writeParquet writes rows to a Parquet file, rowsPerGroup to a row group,
// with gzip-compressed pages as AWS does.
func writeParquet[T any](t testing.TB, rows []T, rowsPerGroup int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, parquet.MaxRowsPerRowGroup(rowsPerGroup), parquet.Compression(&parquet.Gzip))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeParquetBytes(t testing.TB, data []byte, skip int64) (*flowTestSink, error) {
	t.Helper()
	sink := &flowTestSink{}
	err := DecodeFlowLogParquet(bytes.NewReader(data), skip, sink)
	return sink, err
}

// TestParquetMatchesText decodes the same flows from Parquet and from
// text: the records must be the same but for their line numbers.
func TestParquetMatchesText(t *testing.T) {
	rows := parquetFlowRows(100)
	data := writeParquet(t, rows, 32)
	if Sniff(data[:min(len(data), SniffBytes)]) != FormatFlowLogParquet {
		t.Fatal("Sniff does not recognise Parquet")
	}
	got, err := decodeParquetBytes(t, data, 0)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.WriteString(parquetFlowHeader + "\n")
	for _, r := range rows {
		text.WriteString(r.text() + "\n")
	}
	want := decodeFlowBytes(t, []byte(text.String()), 0)
	if len(got.bad) != 0 || len(want.bad) != 0 {
		t.Fatalf("bad records: parquet %v, text %v", got.bad, want.bad)
	}
	if len(got.flows) != len(rows) || len(want.flows) != len(rows) {
		t.Fatalf("parquet gave %d flows, text %d; want %d", len(got.flows), len(want.flows), len(rows))
	}
	for i := range got.flows {
		w := want.flows[i]
		w.Pos.Line = 0
		if got.flows[i] != w {
			t.Fatalf("row %d:\nparquet %+v\n   text %+v", i, got.flows[i], w)
		}
	}
	if len(got.notices) != 1 || !strings.Contains(got.notices[0], "version 8") || !strings.Contains(got.notices[0], "ignored: future_field") {
		t.Errorf("notices %q", got.notices)
	}
	if f := got.flows[0]; f.Status != graph.StatusOK || f.Action != graph.ActionReject || f.Direction != graph.FlowIngress || f.Version != 5 {
		t.Errorf("first flow %+v", f)
	}
	if f := got.flows[6]; f.Status != graph.StatusNoData || f.Src.IsValid() || f.SrcPort != -1 {
		t.Errorf("NODATA row %+v", f)
	}
}

// TestParquetResume starts after the rows a previous run committed, in
// the middle of a row group.
func TestParquetResume(t *testing.T) {
	data := writeParquet(t, parquetFlowRows(100), 30)
	for _, skip := range []int64{0, 29, 30, 45, 99, 100, 150} {
		got, err := decodeParquetBytes(t, data, skip)
		if err != nil {
			t.Fatal(err)
		}
		want := max(0, 100-skip)
		if int64(len(got.flows)) != want {
			t.Errorf("skip %d: %d flows, want %d", skip, len(got.flows), want)
			continue
		}
		if want > 0 && (got.flows[0].Pos.Index != skip || got.flows[0].Start != 1700000000+skip) {
			t.Errorf("skip %d: first flow %+v", skip, got.flows[0])
		}
	}
}

// parquetTextRow stores every value as text, as a converter might: the
// numbers are read from their digits and checked like text fields.
type parquetTextRow struct {
	SrcAddr string `parquet:"srcaddr"`
	DstAddr string `parquet:"dstaddr"`
	SrcPort string `parquet:"srcport"`
	Action  string `parquet:"action"`
	Status  string `parquet:"log_status"`
}

func TestParquetBadValues(t *testing.T) {
	rows := []parquetTextRow{
		{"10.0.0.1", "10.0.0.2", "22", "ACCEPT", "OK"},
		{"10.0.0.1", "bogus", "22", "ACCEPT", "OK"},
		{"10.0.0.1", "10.0.0.2", "70000", "ACCEPT", "OK"},
		{"10.0.0.1", "10.0.0.2", "22", "DROP", "OK"},
		{"10.0.0.1", "10.0.0.2", "-", "REJECT", "OK"},
	}
	got, err := decodeParquetBytes(t, writeParquet(t, rows, 100), 0)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := []string{
		`record 1: field dstaddr: "bogus" is not an IP address`,
		`record 2: field srcport: "70000" is not a port`,
		`record 3: field action: "DROP" is not ACCEPT or REJECT`,
	}
	var bad []string
	for _, b := range got.bad {
		bad = append(bad, b.String())
	}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("bad records:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	if len(got.flows) != 2 || got.flows[0].SrcPort != 22 || got.flows[1].SrcPort != -1 || got.flows[1].Pos.Index != 4 {
		t.Errorf("flows %+v", got.flows)
	}
	if len(got.order) != 5 {
		t.Errorf("%d records reported, want one call per row", len(got.order))
	}
}

func TestParquetNotAFlowLog(t *testing.T) {
	type other struct {
		Name string `parquet:"name"`
	}
	if _, err := decodeParquetBytes(t, writeParquet(t, []other{{"x"}}, 10), 0); err == nil || !strings.Contains(err.Error(), "without flow-log columns") {
		t.Errorf("Parquet of other columns: err = %v", err)
	}
	data := writeParquet(t, parquetFlowRows(10), 10)
	if _, err := decodeParquetBytes(t, data[:len(data)-20], 0); err == nil {
		t.Error("a truncated Parquet file decoded")
	}
}

// TestSpoolParquet covers the temporary file that holds an object too
// large to keep in memory, and the cap beyond which it is refused.
func TestSpoolParquet(t *testing.T) {
	data := writeParquet(t, parquetFlowRows(50), 20)
	for _, tc := range []struct {
		name          string
		inMemory, max int64
		fails         bool
	}{
		{"memory", int64(len(data)), int64(len(data)), false},
		{"file", 100, int64(len(data)), false},
		{"too large", 100, int64(len(data)) - 1, true},
	} {
		ra, size, release, err := spoolParquet(bytes.NewReader(data), tc.inMemory, tc.max)
		if tc.fails {
			if err == nil || !strings.Contains(err.Error(), "cap") {
				t.Errorf("%s: err = %v", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := make([]byte, size)
		if _, err := ra.ReadAt(got, 0); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: spooled copy differs (%v)", tc.name, err)
		}
		release()
	}
}

// TestParquetCorruptFiles replays files, mangled a few bytes at a time,
// that made the Parquet library panic or ask for gigabytes: each must be
// a corrupt file, reported after the rows read before the damage.
func TestParquetCorruptFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "ingest", "s3", "parquet-corrupt", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corrupt samples: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sink, err := decodeParquetBytes(t, data, 0)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, errCorruptParquet) {
			t.Errorf("%s: err = %v, want a corrupt file", filepath.Base(name), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
			t.Errorf("%s: allocated %d MiB", filepath.Base(name), grew>>20)
		}
		for i, pos := range sink.order {
			if pos.Index != int64(i) {
				t.Errorf("%s: record %d reported at index %d", filepath.Base(name), i, pos.Index)
			}
		}
	}
}

package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

const (
	// flowReadBuffer holds any real flow-log line; only longer ones are
	// assembled in flowDecoder.long.
	flowReadBuffer = 64 << 10
	// maxFlowLine is MaxRecordBytes plus a CRLF line ending.
	maxFlowLine = MaxRecordBytes + 2
	// flowSlab is how many records are allocated at once. Each record
	// handed to the sink is its own slot, so a sink may keep the pointer,
	// yet the decoder allocates once per flowSlab records instead of once
	// per record.
	flowSlab = 256
	// maxFlowInterned and maxFlowInternLen bound the per-object string table: IDs
	// are short, and a hostile object of distinct values must not grow it.
	maxFlowInterned  = 1024
	maxFlowInternLen = 64
	maxFlowInt64     = 1<<63 - 1
)

// DecodeFlowLog reads VPC Flow Logs text: records of space-separated
// fields in the layout the object's header line names, or in AWS's default
// version-2 layout when it has none. A header further down (objects
// concatenated) switches the layout from there on. "-" is an absent field.
//
// Every non-blank line that is not a header is one record: Pos.Index counts
// them, Pos.Line counts every line. A record that cannot be read (wrong
// number of fields, a bad number, address or keyword, a line longer than
// MaxRecordBytes) goes to sink.Bad with the field at fault. NODATA and
// SKIPDATA records go to sink.Flow with their Status, since they tell
// which interfaces were logged. A header line goes to sink.Notice.
func DecodeFlowLog(r io.Reader, skip int64, sink Sink) error {
	d := flowDecoder{
		r:    bufio.NewReaderSize(r, flowReadBuffer),
		sink: sink,
		skip: skip,
		strs: make(map[string]string),
	}
	d.setFormat(defaultFlowLogFormat)
	return d.run()
}

// flowDecoder is the state of one DecodeFlowLog call.
type flowDecoder struct {
	r      *bufio.Reader
	sink   Sink
	skip   int64
	format FlowLogFormat
	// cols holds the fields of the current line; last holds, per column,
	// the string last made from it, since most columns repeat line after
	// line; strs hands out one string per distinct short value.
	cols [][]byte
	last []string
	strs map[string]string
	slab []graph.FlowRecord
	long []byte
	// line counts lines read, index records seen (bad ones included).
	line, index int64
}

func (d *flowDecoder) setFormat(f FlowLogFormat) {
	d.format = f
	d.cols = make([][]byte, 0, len(f.columns)+1)
	d.last = make([]string, len(f.columns))
}

func (d *flowDecoder) run() error {
	for {
		raw, tooLong, err := d.readLine()
		if err != nil && err != io.EOF {
			return d.readFailed(raw, tooLong, err)
		}
		if len(raw) > 0 || tooLong {
			d.line++
			if err := d.handle(raw, tooLong); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine returns the next line with its line ending, valid until the
// next call. A line longer than the read buffer is assembled in d.long up
// to maxFlowLine; past that its bytes are dropped as they arrive and
// tooLong is set, so memory stays bounded whatever the input. err is the
// reader's: io.EOF comes with the last line when it has no line ending.
func (d *flowDecoder) readLine() (line []byte, tooLong bool, err error) {
	line, err = d.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, false, err
	}
	d.long = appendFlowLine(d.long[:0], line)
	for err == bufio.ErrBufferFull {
		line, err = d.r.ReadSlice('\n')
		if tooLong = tooLong || len(d.long)+len(line) > maxFlowLine; !tooLong {
			d.long = appendFlowLine(d.long, line)
		}
	}
	if tooLong {
		return nil, true, err
	}
	return d.long, false, err
}

// appendFlowLine appends b to buf, doubling its capacity when it must grow:
// append's 1.25x growth for large slices would allocate several times a
// line's size on the way to MaxRecordBytes.
func appendFlowLine(buf, b []byte) []byte {
	if need := len(buf) + len(b); need > cap(buf) {
		grown := make([]byte, len(buf), min(max(need, 2*cap(buf)), maxFlowLine))
		copy(grown, buf)
		buf = grown
	}
	return append(buf, b...)
}

// readFailed reports the line the reader cut short, if it holds anything,
// and returns the reader's error: the object is incomplete.
func (d *flowDecoder) readFailed(partial []byte, tooLong bool, err error) error {
	if tooLong || len(trimFlowLine(partial)) > 0 {
		d.line++
		if err := d.badRecord("line cut short: " + err.Error()); err != nil {
			return err
		}
	}
	return fmt.Errorf("reading flow log after line %d: %w", d.line, err)
}

func (d *flowDecoder) handle(raw []byte, tooLong bool) error {
	line := trimFlowLine(raw)
	if tooLong || len(line) > MaxRecordBytes {
		return d.badRecord(fmt.Sprintf("line is longer than %d bytes", MaxRecordBytes))
	}
	if len(line) == 0 {
		return nil
	}
	if 'a' <= line[0] && line[0] <= 'z' && flowHeaderShaped(line) {
		return d.header(line)
	}
	index := d.index
	d.index++
	if index < d.skip {
		return nil
	}
	return d.record(line, graph.Position{Line: d.line, Index: index})
}

// badRecord reports the current line as a bad record, unless it lies
// before the resume point.
func (d *flowDecoder) badRecord(reason string) error {
	index := d.index
	d.index++
	if index < d.skip {
		return nil
	}
	return d.sink.Bad(BadRecord{Pos: graph.Position{Line: d.line, Index: index}, Reason: reason})
}

func (d *flowDecoder) header(line []byte) error {
	f, err := parseFlowLogHeader(line)
	if err != nil {
		return d.badRecord(err.Error())
	}
	d.setFormat(f)
	msg := fmt.Sprintf("line %d: flow-log header, version %d, %d fields", d.line, f.version, len(f.columns))
	if len(f.unknown) > 0 {
		msg += "; unknown fields ignored: " + strings.Join(f.unknown, ", ")
	}
	d.sink.Notice(msg)
	return nil
}

func (d *flowDecoder) record(line []byte, pos graph.Position) error {
	want := len(d.format.columns)
	var n int
	d.cols, n = splitFlowLine(d.cols[:0], line, want+1)
	if n != want {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: fmt.Sprintf("%d fields where the format has %d", n, want)})
	}
	if len(d.slab) == 0 {
		d.slab = make([]graph.FlowRecord, flowSlab)
	}
	rec := &d.slab[0]
	*rec = graph.FlowRecord{Version: d.format.version, SrcPort: -1, DstPort: -1, Protocol: -1, TCPFlags: -1, Pos: pos}
	for i, f := range d.format.columns {
		v := d.cols[i]
		if f == flowFieldIgnored || isFlowDash(v) {
			continue
		}
		if !d.setField(rec, f, i, v) {
			reason := fmt.Sprintf("field %s: %s %s", d.format.names[i], quoteFlowValue(v), flowFieldProblem(f))
			return d.sink.Bad(BadRecord{Pos: pos, Reason: reason})
		}
	}
	d.slab = d.slab[1:]
	return d.sink.Flow(rec)
}

// setField stores value v of column col, field f, in rec, and reports
// whether v was valid for f.
func (d *flowDecoder) setField(rec *graph.FlowRecord, f flowField, col int, v []byte) bool {
	ok := true
	switch f {
	case flowFieldVersion:
		var n uint64
		n, ok = parseFlowUint(v, 255)
		rec.Version = int(n)
	case flowFieldAccount:
		rec.Account = d.intern(col, v)
	case flowFieldInterface:
		rec.InterfaceID = d.intern(col, v)
	case flowFieldVPC:
		rec.VPC = d.intern(col, v)
	case flowFieldSubnet:
		rec.Subnet = d.intern(col, v)
	case flowFieldInstance:
		rec.Instance = d.intern(col, v)
	case flowFieldRegion:
		rec.Region = d.intern(col, v)
	case flowFieldAZ:
		rec.AZ = d.intern(col, v)
	case flowFieldSrcAddr:
		rec.Src, ok = parseFlowAddr(v)
	case flowFieldDstAddr:
		rec.Dst, ok = parseFlowAddr(v)
	case flowFieldPktSrcAddr:
		rec.PktSrc, ok = parseFlowAddr(v)
	case flowFieldPktDstAddr:
		rec.PktDst, ok = parseFlowAddr(v)
	case flowFieldSrcPort:
		rec.SrcPort, ok = parseFlowInt32(v, 65535)
	case flowFieldDstPort:
		rec.DstPort, ok = parseFlowInt32(v, 65535)
	case flowFieldTCPFlags:
		rec.TCPFlags, ok = parseFlowInt32(v, 65535)
	case flowFieldProtocol:
		var n uint64
		n, ok = parseFlowUint(v, 255)
		rec.Protocol = int16(n)
	case flowFieldPackets:
		rec.Packets, ok = parseFlowInt64(v)
	case flowFieldBytes:
		rec.Bytes, ok = parseFlowInt64(v)
	case flowFieldStart:
		rec.Start, ok = parseFlowInt64(v)
	case flowFieldEnd:
		rec.End, ok = parseFlowInt64(v)
	case flowFieldAction:
		rec.Action, ok = parseFlowAction(v)
	case flowFieldLogStatus:
		rec.Status, ok = parseFlowLogStatus(v)
	case flowFieldDirection:
		rec.Direction, ok = parseFlowDirection(v)
	}
	return ok
}

// flowFieldProblem completes a bad-record reason: `field srcport: "abc" is not a port`.
func flowFieldProblem(f flowField) string {
	switch f {
	case flowFieldVersion:
		return "is not a flow-log version"
	case flowFieldSrcAddr, flowFieldDstAddr, flowFieldPktSrcAddr, flowFieldPktDstAddr:
		return "is not an IP address"
	case flowFieldSrcPort, flowFieldDstPort:
		return "is not a port"
	case flowFieldProtocol:
		return "is not a protocol number"
	case flowFieldTCPFlags:
		return "is not a TCP flags value"
	case flowFieldAction:
		return "is not ACCEPT or REJECT"
	case flowFieldLogStatus:
		return "is not OK, NODATA or SKIPDATA"
	case flowFieldDirection:
		return "is not ingress or egress"
	}
	return "is not a number"
}

// intern returns v as a string, allocating only for a value not seen
// recently: the column's previous value is checked first, then the table.
func (d *flowDecoder) intern(col int, v []byte) string {
	if s := d.last[col]; s == string(v) {
		return s
	}
	s, ok := d.strs[string(v)]
	if !ok {
		s = string(v)
		if len(v) <= maxFlowInternLen {
			if len(d.strs) >= maxFlowInterned {
				clear(d.strs)
			}
			d.strs[s] = s
		}
	}
	d.last[col] = s
	return s
}

// quoteFlowValue quotes a field for a bad-record reason, escaping control
// characters (the reason reaches a terminal) and cutting a long value.
func quoteFlowValue(v []byte) string {
	const limit = 64
	if len(v) > limit {
		return strconv.Quote(string(v[:limit])) + "..."
	}
	return strconv.Quote(string(v))
}

// flowBlanks marks the bytes that separate fields and end lines.
var flowBlanks = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

func isFlowBlank(c byte) bool { return flowBlanks[c] }

func isFlowDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

// trimFlowLine drops the line ending (LF or CRLF) and surrounding blanks.
func trimFlowLine(b []byte) []byte {
	for len(b) > 0 && isFlowBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && isFlowBlank(b[0]) {
		b = b[1:]
	}
	return b
}

// cutFlowField returns the first field of b and what follows it. Fields are
// separated by runs of blanks; tok is empty when b holds no more.
func cutFlowField(b []byte) (tok, rest []byte) {
	i := 0
	for i < len(b) && isFlowBlank(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isFlowBlank(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

// splitFlowLine appends the first limit fields of line to dst and counts
// all of them, so a line of a million fields costs no memory. It is the
// decoder's hottest loop: one table look-up per byte.
func splitFlowLine(dst [][]byte, line []byte, limit int) ([][]byte, int) {
	n, start := 0, -1
	for i, c := range line {
		switch {
		case !flowBlanks[c]:
			if start < 0 {
				start = i
			}
		case start >= 0:
			if n < limit {
				dst = append(dst, line[start:i])
			}
			n++
			start = -1
		}
	}
	if start >= 0 {
		if n < limit {
			dst = append(dst, line[start:])
		}
		n++
	}
	return dst, n
}

// parseFlowUint reads decimal digits directly from bytes, with no string to
// allocate, and reports whether they make a number no greater than limit.
func parseFlowUint(b []byte, limit uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 { // 19 digits cannot overflow a uint64
		return 0, false
	}
	var n uint64
	for _, c := range b {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	return n, n <= limit
}

func parseFlowInt32(b []byte, limit uint64) (int32, bool) {
	n, ok := parseFlowUint(b, limit)
	return int32(n), ok
}

func parseFlowInt64(b []byte) (int64, bool) {
	n, ok := parseFlowUint(b, maxFlowInt64)
	return int64(n), ok
}

// parseFlowAddr parses an IPv4 address without allocating; anything else goes
// to netip.ParseAddr, which needs a string. Zoned addresses never occur in
// flow logs and are refused, so every Addr compares by value.
func parseFlowAddr(b []byte) (netip.Addr, bool) {
	if a, ok := parseFlowIPv4(b); ok {
		return a, true
	}
	if bytes.IndexByte(b, ':') < 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

// parseFlowIPv4 accepts dotted-quad addresses exactly as netip.ParseAddr does:
// four decimal octets, no leading zeros.
func parseFlowIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	octet, digits, dots := 0, 0, 0
	for _, c := range b {
		if c == '.' {
			if digits == 0 || dots == 3 {
				return netip.Addr{}, false
			}
			ip[dots] = byte(octet)
			dots++
			octet, digits = 0, 0
			continue
		}
		c -= '0'
		if c > 9 || (digits > 0 && octet == 0) {
			return netip.Addr{}, false
		}
		octet = octet*10 + int(c)
		digits++
		if octet > 255 {
			return netip.Addr{}, false
		}
	}
	if dots != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(octet)
	return netip.AddrFrom4(ip), true
}

func parseFlowAction(b []byte) (graph.Action, bool) {
	switch string(b) {
	case "ACCEPT":
		return graph.ActionAccept, true
	case "REJECT":
		return graph.ActionReject, true
	}
	return graph.ActionUnknown, false
}

func parseFlowLogStatus(b []byte) (graph.LogStatus, bool) {
	switch string(b) {
	case "OK":
		return graph.StatusOK, true
	case "NODATA":
		return graph.StatusNoData, true
	case "SKIPDATA":
		return graph.StatusSkipData, true
	}
	return graph.StatusOK, false
}

func parseFlowDirection(b []byte) (graph.FlowDirection, bool) {
	switch string(b) {
	case "ingress":
		return graph.FlowIngress, true
	case "egress":
		return graph.FlowEgress, true
	}
	return graph.FlowDirUnknown, false
}

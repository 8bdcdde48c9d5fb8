package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
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
	// maxFlowInterned and maxFlowInternLen bound the per-object string
	// table: IDs are short, and a hostile object of distinct values must
	// not grow it.
	maxFlowInterned  = 1024
	maxFlowInternLen = 64
	flowRecentSlots  = 16
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
// MaxRecordBytes) goes to sink.Bad with the field at fault, marked
// Truncated when the input ends inside it (no line ending, or a reader
// error), since it may only be half written. NODATA and SKIPDATA records
// go to sink.Flow with their Status, since they tell which interfaces
// were logged. A header line goes to sink.Notice.
//
// The record handed to sink.Flow is the decoder's own and is overwritten
// by the next one: a sink that keeps it keeps a copy. A record allocated
// per line would cost a third of the decoder's time.
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
	// recent and strs hand out one string per distinct short value, so
	// that IDs repeated on every line are allocated once.
	recent [][flowRecentSlots]string
	strs   map[string]string
	// rec is the one record every sink.Flow call is handed.
	rec  graph.FlowRecord
	long []byte
	// line counts lines read, index records seen (bad ones included).
	line, index int64
	// atEOF is set while a line the input ends inside is handled: the
	// last one, without a line ending, or one a reader error cut short.
	// It may be half written, so a bad one is reported Truncated.
	atEOF bool
}

func (d *flowDecoder) setFormat(f FlowLogFormat) {
	d.format = f
	d.recent = make([][flowRecentSlots]string, len(f.columns))
}

func (d *flowDecoder) run() error {
	for {
		raw, tooLong, err := d.readLine()
		if err != nil && err != io.EOF {
			return d.readFailed(raw, tooLong, err)
		}
		if len(raw) > 0 || tooLong {
			d.line++
			d.atEOF = err == io.EOF
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
		d.atEOF = true
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
	if 'a' <= line[0] && line[0] <= 'z' && isFlowHeader(line) {
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
	return d.bad(graph.Position{Line: d.line, Index: index}, reason)
}

// bad reports the record at pos as bad; see flowDecoder.atEOF.
func (d *flowDecoder) bad(pos graph.Position, reason string) error {
	return d.sink.Bad(BadRecord{Pos: pos, Reason: reason, Truncated: d.atEOF})
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
	rec := &d.rec
	*rec = graph.FlowRecord{Version: d.format.version, SrcPort: -1, DstPort: -1, Protocol: -1, TCPFlags: -1, Pos: pos}
	// The line is trimmed: it starts and ends with a field. Each field is
	// parsed where it lies, in the pass that finds its end, and the switch
	// is inline: on a 29-field line, the cost of a call per field shows.
	p, columns := 0, d.format.columns
	for col, f := range columns {
		if p >= len(line) {
			return d.badFieldCount(line, pos)
		}
		if line[p] == '-' && (p+1 == len(line) || line[p+1] == ' ') {
			p = skipFlowSpaces(line, p+1)
			continue
		}
		var n uint64
		end, ok := p, true
		switch f {
		case flowFieldVersion:
			n, end, ok = scanFlowUint(line, p, 255)
			rec.Version = int(n)
		case flowFieldAccount:
			rec.Account, end = d.internAt(col, line, p)
		case flowFieldInterface:
			rec.InterfaceID, end = d.internAt(col, line, p)
		case flowFieldVPC:
			rec.VPC, end = d.internAt(col, line, p)
		case flowFieldSubnet:
			rec.Subnet, end = d.internAt(col, line, p)
		case flowFieldInstance:
			rec.Instance, end = d.internAt(col, line, p)
		case flowFieldRegion:
			rec.Region, end = d.internAt(col, line, p)
		case flowFieldAZ:
			rec.AZ, end = d.internAt(col, line, p)
		case flowFieldSrcAddr:
			rec.Src, end, ok = scanFlowAddr(line, p)
		case flowFieldDstAddr:
			rec.Dst, end, ok = scanFlowAddr(line, p)
		case flowFieldPktSrcAddr:
			rec.PktSrc, end, ok = scanFlowAddr(line, p)
		case flowFieldPktDstAddr:
			rec.PktDst, end, ok = scanFlowAddr(line, p)
		case flowFieldSrcPort:
			n, end, ok = scanFlowUint(line, p, 65535)
			rec.SrcPort = int32(n)
		case flowFieldDstPort:
			n, end, ok = scanFlowUint(line, p, 65535)
			rec.DstPort = int32(n)
		case flowFieldTCPFlags:
			n, end, ok = scanFlowUint(line, p, 65535)
			rec.TCPFlags = int32(n)
		case flowFieldProtocol:
			n, end, ok = scanFlowUint(line, p, 255)
			rec.Protocol = int16(n)
		case flowFieldPackets:
			n, end, ok = scanFlowUint(line, p, maxFlowInt64)
			rec.Packets = int64(n)
		case flowFieldBytes:
			n, end, ok = scanFlowUint(line, p, maxFlowInt64)
			rec.Bytes = int64(n)
		case flowFieldStart:
			n, end, ok = scanFlowUint(line, p, maxFlowInt64)
			rec.Start = int64(n)
		case flowFieldEnd:
			n, end, ok = scanFlowUint(line, p, maxFlowInt64)
			rec.End = int64(n)
		case flowFieldAction:
			rec.Action, end, ok = scanFlowAction(line, p)
		case flowFieldLogStatus:
			rec.Status, end, ok = scanFlowLogStatus(line, p)
		case flowFieldDirection:
			rec.Direction, end, ok = scanFlowDirection(line, p)
		default: // flowFieldIgnored
			end = flowTokenEnd(line, p)
		}
		if !ok {
			return d.badField(line, pos, col, p)
		}
		p = skipFlowSpaces(line, end)
	}
	if p < len(line) {
		return d.badFieldCount(line, pos)
	}
	return d.sink.Flow(rec)
}

func (d *flowDecoder) badFieldCount(line []byte, pos graph.Position) error {
	reason := fmt.Sprintf("%d fields where the format has %d", countFlowFields(line), len(d.format.columns))
	return d.bad(pos, reason)
}

// badField reports the value at p, in column col, as invalid, unless the
// line has the wrong number of fields: that is the likelier mistake, and
// it shifts every value after it into the wrong column.
func (d *flowDecoder) badField(line []byte, pos graph.Position, col, p int) error {
	if countFlowFields(line) != len(d.format.columns) {
		return d.badFieldCount(line, pos)
	}
	v := line[p:flowTokenEnd(line, p)]
	reason := fmt.Sprintf("field %s: %s %s", d.format.names[col], quoteFlowValue(v), flowFieldProblem(d.format.columns[col]))
	return d.bad(pos, reason)
}

func countFlowFields(line []byte) int {
	n := 0
	for tok, rest := cutFlowField(line); len(tok) > 0; tok, rest = cutFlowField(rest) {
		n++
	}
	return n
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

// internAt returns the field at line[p] as a string and where it ends,
// allocating only for a value not seen before. Each column keeps its
// recent values in slots picked by their last byte: an object holds few
// accounts, VPCs and regions, and its interface and instance IDs mostly
// differ in their last hex digit. The map behind them holds the rest.
func (d *flowDecoder) internAt(col int, line []byte, p int) (string, int) {
	end := flowTokenEnd(line, p)
	v := line[p:end]
	slot := &d.recent[col][v[len(v)-1]%flowRecentSlots]
	if *slot == string(v) {
		return *slot, end
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
	*slot = s
	return s, end
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

// trimFlowLine drops the line ending (LF or CRLF) and surrounding spaces.
func trimFlowLine(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// cutFlowField returns the first field of b and what follows it. Fields
// are separated by spaces, as AWS writes them (runs of them are
// tolerated); tok is empty when b holds no more.
func cutFlowField(b []byte) (tok, rest []byte) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	j := flowTokenEnd(b, i)
	return b[i:j], b[j:]
}

// skipFlowSpaces returns where the field after the one ending at
// line[end] starts: past its space, and past any more. At the end of the
// line, it returns more than len(line).
func skipFlowSpaces(line []byte, end int) int {
	p := end + 1
	for p < len(line) && line[p] == ' ' {
		p++
	}
	return p
}

// flowTokenEnd returns where the field starting at line[p] ends. It tests
// eight bytes at a time: fields are short, and bytes.IndexByte's set-up
// costs more than it saves on them.
func flowTokenEnd(line []byte, p int) int {
	for ; p+8 <= len(line); p += 8 {
		// The lowest byte flagged is the first space; the subtraction's
		// borrow may flag bytes above it, never below.
		x := binary.LittleEndian.Uint64(line[p:]) ^ 0x2020202020202020
		if m := (x - 0x0101010101010101) &^ x & 0x8080808080808080; m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
	}
	for p < len(line) && line[p] != ' ' {
		p++
	}
	return p
}

// hasFlowToken reports whether the field at line[p] is exactly tok.
func hasFlowToken(line []byte, p int, tok string) bool {
	end := p + len(tok)
	return end <= len(line) && string(line[p:end]) == tok && (end == len(line) || line[end] == ' ')
}

// scanFlowUint reads the decimal field at line[p] straight from the bytes
// and returns it with where it ends; ok is false unless it is one to 19
// digits (enough for any int64, and too few to wrap around) making a
// number no greater than limit.
func scanFlowUint(line []byte, p int, limit uint64) (n uint64, end int, ok bool) {
	for end = p; end < len(line); end++ {
		c := line[end] - '0'
		if c > 9 {
			break
		}
		n = n*10 + uint64(c)
	}
	ok = end > p && end-p <= 19 && n <= limit && (end == len(line) || line[end] == ' ')
	return n, end, ok
}

// parseFlowUint is scanFlowUint for a whole field.
func parseFlowUint(b []byte, limit uint64) (uint64, bool) {
	n, end, ok := scanFlowUint(b, 0, limit)
	return n, ok && end == len(b)
}

// scanFlowAddr reads the address at line[p]. IPv4 is parsed in place;
// anything else goes to netip.ParseAddr, which needs a string and so
// allocates. Zoned addresses never occur in flow logs and are refused, so
// every Addr compares by value.
func scanFlowAddr(line []byte, p int) (netip.Addr, int, bool) {
	if a, end, ok := scanFlowIPv4(line, p); ok {
		return a, end, true
	}
	end := flowTokenEnd(line, p)
	v := line[p:end]
	if bytes.IndexByte(v, ':') < 0 {
		return netip.Addr{}, end, false
	}
	a, err := netip.ParseAddr(string(v))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, end, false
	}
	return a, end, true
}

// scanFlowIPv4 accepts a dotted quad exactly as netip.ParseAddr does: four
// decimal octets of one to three digits, no leading zeros. The digits of
// an octet are unrolled, as addresses are a third of a record.
func scanFlowIPv4(line []byte, p int) (netip.Addr, int, bool) {
	var ip [4]byte
	for k := range ip {
		if k > 0 {
			if p == len(line) || line[p] != '.' {
				return netip.Addr{}, p, false
			}
			p++
		}
		if p == len(line) || line[p]-'0' > 9 {
			return netip.Addr{}, p, false
		}
		v := uint(line[p] - '0')
		p++
		if v != 0 && p < len(line) && line[p]-'0' <= 9 { // no leading zero
			v = v*10 + uint(line[p]-'0')
			p++
			if p < len(line) && line[p]-'0' <= 9 {
				v = v*10 + uint(line[p]-'0')
				p++
				if v > 255 {
					return netip.Addr{}, p, false
				}
			}
		}
		ip[k] = byte(v)
	}
	if p < len(line) && line[p] != ' ' {
		return netip.Addr{}, p, false
	}
	return netip.AddrFrom4(ip), p, true
}

func scanFlowAction(line []byte, p int) (graph.Action, int, bool) {
	switch {
	case hasFlowToken(line, p, "ACCEPT"):
		return graph.ActionAccept, p + len("ACCEPT"), true
	case hasFlowToken(line, p, "REJECT"):
		return graph.ActionReject, p + len("REJECT"), true
	}
	return graph.ActionUnknown, p, false
}

func scanFlowLogStatus(line []byte, p int) (graph.LogStatus, int, bool) {
	switch {
	case hasFlowToken(line, p, "OK"):
		return graph.StatusOK, p + len("OK"), true
	case hasFlowToken(line, p, "NODATA"):
		return graph.StatusNoData, p + len("NODATA"), true
	case hasFlowToken(line, p, "SKIPDATA"):
		return graph.StatusSkipData, p + len("SKIPDATA"), true
	}
	return graph.StatusOK, p, false
}

func scanFlowDirection(line []byte, p int) (graph.FlowDirection, int, bool) {
	switch {
	case hasFlowToken(line, p, "ingress"):
		return graph.FlowIngress, p + len("ingress"), true
	case hasFlowToken(line, p, "egress"):
		return graph.FlowEgress, p + len("egress"), true
	}
	return graph.FlowDirUnknown, p, false
}

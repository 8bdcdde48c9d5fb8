package ingest

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Parquet objects are read whole before decoding, since a Parquet file
// says where its rows are in a footer at its end. Objects up to
// parquetInMemory stay in memory; larger ones go to a temporary file,
// removed as soon as it is created so that nothing is left behind, up to
// MaxParquetBytes. AWS writes a flow log's objects every few minutes, so
// real ones are a few megabytes.
//
// The alternative, ranged GETs through an io.ReaderAt, would serve S3
// objects only, cost a request per column chunk, and could mix two
// versions of an object replaced between requests; a local copy serves
// every source and reads one version.
const (
	parquetInMemory = 32 << 20
	MaxParquetBytes = 4 << 30
)

// parquetRowBatch is how many rows are read at a time.
const parquetRowBatch = 256

// DecodeFlowLogParquet reads VPC flow logs delivered in Parquet, the other
// format AWS writes to S3. Its columns are flow-log fields with
// underscores for hyphens (srcaddr, account_id, log_status, ...); like
// the text decoder it tolerates fields it does not know and reads a
// missing or null value as "-". Numbers may be stored as integers or
// strings. Pos.Index is the row number; a row with a bad value goes to
// sink.Bad with the column at fault. A file that is not Parquet, or
// whose pages are corrupt, ends the decoding with an error.
func DecodeFlowLogParquet(r io.Reader, skip int64, sink Sink) error {
	ra, size, release, err := spoolParquet(r, parquetInMemory, MaxParquetBytes)
	if err != nil {
		return err
	}
	defer release()
	return decodeParquetFile(ra, size, skip, sink)
}

// decodeParquetFile decodes a spooled file.
func decodeParquetFile(ra io.ReaderAt, size, skip int64, sink Sink) error {
	if err := checkParquetFooter(ra, size); err != nil {
		return err
	}
	var f *parquet.File
	err := guardParquet(func() (err error) {
		f, err = parquet.OpenFile(ra, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if err := checkParquetChunks(f, size); err != nil {
		return err
	}
	d, err := newParquetFlowDecoder(f, sink)
	if err != nil {
		return err
	}
	return d.run(f, skip)
}

// parquetFlowDecoder maps a file's columns to flow-log fields.
type parquetFlowDecoder struct {
	sink    Sink
	fields  []flowField // by leaf column index
	names   []string
	version int
	rec     graph.FlowRecord
	strs    map[string]string
}

func newParquetFlowDecoder(f *parquet.File, sink Sink) (*parquetFlowDecoder, error) {
	d := &parquetFlowDecoder{sink: sink, strs: map[string]string{}}
	var known, unknown []string
	anchored := false
	var columns [][]string
	if err := guardParquet(func() error { columns = f.Schema().Columns(); return nil }); err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	for _, path := range columns {
		name := strings.Join(path, ".")
		spec, ok := flowLogFields[strings.ReplaceAll(name, "_", "-")]
		if len(path) != 1 || !ok {
			spec.field = flowFieldIgnored
			unknown = append(unknown, name)
		} else {
			known = append(known, name)
			d.version = max(d.version, spec.version)
		}
		switch spec.field {
		case flowFieldSrcAddr, flowFieldDstAddr, flowFieldInterface:
			anchored = true
		}
		d.fields = append(d.fields, spec.field)
		d.names = append(d.names, name)
	}
	if !anchored {
		return nil, errors.New("parquet file without flow-log columns (srcaddr, dstaddr, interface_id)")
	}
	msg := fmt.Sprintf("Parquet flow log, version %d, %d fields", d.version, len(known))
	if len(unknown) > 0 {
		msg += "; unknown fields ignored: " + strings.Join(unknown, ", ")
	}
	sink.Notice(msg)
	return d, nil
}

// run reads the rows from skip on, row group by row group.
func (d *parquetFlowDecoder) run(f *parquet.File, skip int64) error {
	buf := make([]parquet.Row, parquetRowBatch)
	base := int64(0)
	for _, rg := range f.RowGroups() {
		n := rg.NumRows()
		if base+n <= skip {
			base += n
			continue
		}
		if err := d.readGroup(rg, base, max(skip-base, 0), buf); err != nil {
			return err
		}
		base += n
	}
	return nil
}

func (d *parquetFlowDecoder) readGroup(rg parquet.RowGroup, base, from int64, buf []parquet.Row) error {
	var rows parquet.Rows
	if err := guardParquet(func() error { rows = rg.Rows(); return nil }); err != nil {
		return fmt.Errorf("parquet: row group at row %d: %w", base, err)
	}
	defer guardParquet(rows.Close)
	if from > 0 {
		if err := guardParquet(func() error { return rows.SeekToRow(from) }); err != nil {
			return fmt.Errorf("parquet: seeking to row %d: %w", base+from, err)
		}
	}
	index := base + from
	for {
		var n int
		err := guardParquet(func() (err error) { n, err = rows.ReadRows(buf); return err })
		for _, row := range buf[:n] {
			if serr := d.row(row, index); serr != nil {
				return serr
			}
			index++
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parquet: reading row %d: %w", index, err)
		}
	}
}

// row decodes one row into d.rec and hands it on, or reports it bad.
func (d *parquetFlowDecoder) row(row parquet.Row, index int64) error {
	rec := &d.rec
	*rec = graph.FlowRecord{Version: d.version, SrcPort: -1, DstPort: -1, Protocol: -1, TCPFlags: -1,
		Pos: graph.Position{Index: index}}
	for _, v := range row {
		col := v.Column()
		if col < 0 || col >= len(d.fields) || v.IsNull() || d.fields[col] == flowFieldIgnored {
			continue
		}
		if ok := d.value(d.fields[col], v); !ok {
			reason := fmt.Sprintf("field %s: %s %s", d.names[col], quoteFlowValue([]byte(v.String())), flowFieldProblem(d.fields[col]))
			return d.sink.Bad(BadRecord{Pos: rec.Pos, Reason: reason})
		}
	}
	return d.sink.Flow(rec)
}

// value sets field f of d.rec from v, reporting false for a bad value.
// "-" is an absent value, as in the text format.
func (d *parquetFlowDecoder) value(f flowField, v parquet.Value) bool {
	rec := &d.rec
	if isText(v) && string(v.ByteArray()) == "-" {
		return true
	}
	switch f {
	case flowFieldVersion:
		n, ok := parquetUint(v, 255)
		rec.Version = int(n)
		return ok
	case flowFieldSrcPort, flowFieldDstPort, flowFieldTCPFlags:
		n, ok := parquetUint(v, 65535)
		switch f {
		case flowFieldSrcPort:
			rec.SrcPort = int32(n)
		case flowFieldDstPort:
			rec.DstPort = int32(n)
		default:
			rec.TCPFlags = int32(n)
		}
		return ok
	case flowFieldProtocol:
		n, ok := parquetUint(v, 255)
		rec.Protocol = int16(n)
		return ok
	case flowFieldPackets, flowFieldBytes, flowFieldStart, flowFieldEnd:
		n, ok := parquetUint(v, maxFlowInt64)
		switch f {
		case flowFieldPackets:
			rec.Packets = int64(n)
		case flowFieldBytes:
			rec.Bytes = int64(n)
		case flowFieldStart:
			rec.Start = int64(n)
		default:
			rec.End = int64(n)
		}
		return ok
	}
	text := parquetText(v)
	ok := true
	switch f {
	case flowFieldAccount:
		rec.Account = d.intern(text)
	case flowFieldInterface:
		rec.InterfaceID = d.intern(text)
	case flowFieldVPC:
		rec.VPC = d.intern(text)
	case flowFieldSubnet:
		rec.Subnet = d.intern(text)
	case flowFieldInstance:
		rec.Instance = d.intern(text)
	case flowFieldRegion:
		rec.Region = d.intern(text)
	case flowFieldAZ:
		rec.AZ = d.intern(text)
	case flowFieldSrcAddr:
		rec.Src, ok = parquetAddr(text)
	case flowFieldDstAddr:
		rec.Dst, ok = parquetAddr(text)
	case flowFieldPktSrcAddr:
		rec.PktSrc, ok = parquetAddr(text)
	case flowFieldPktDstAddr:
		rec.PktDst, ok = parquetAddr(text)
	case flowFieldAction:
		var end int
		rec.Action, end, ok = scanFlowAction(text, 0)
		ok = ok && end == len(text)
	case flowFieldLogStatus:
		var end int
		rec.Status, end, ok = scanFlowLogStatus(text, 0)
		ok = ok && end == len(text)
	case flowFieldDirection:
		var end int
		rec.Direction, end, ok = scanFlowDirection(text, 0)
		ok = ok && end == len(text)
	}
	return ok
}

func isText(v parquet.Value) bool {
	k := v.Kind()
	return k == parquet.ByteArray || k == parquet.FixedLenByteArray
}

// parquetText is a value as the text format would have it.
func parquetText(v parquet.Value) []byte {
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return v.ByteArray()
	case parquet.Int32:
		return strconv.AppendInt(nil, int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.AppendInt(nil, v.Int64(), 10)
	}
	return []byte(v.String())
}

// parquetUint reads a non-negative integer no greater than limit, stored
// as an integer or as decimal text.
func parquetUint(v parquet.Value, limit uint64) (uint64, bool) {
	var n int64
	switch v.Kind() {
	case parquet.Int32:
		n = int64(v.Int32())
	case parquet.Int64:
		n = v.Int64()
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return parseFlowUint(v.ByteArray(), limit)
	default:
		return 0, false
	}
	return uint64(n), n >= 0 && uint64(n) <= limit
}

func parquetAddr(text []byte) (netip.Addr, bool) {
	a, end, ok := scanFlowAddr(text, 0)
	return a, ok && end == len(text)
}

// intern returns one string per distinct value, bounded like the text
// decoder's table.
func (d *parquetFlowDecoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= maxFlowInternLen {
		if len(d.strs) >= maxFlowInterned {
			clear(d.strs)
		}
		d.strs[s] = s
	}
	return s
}

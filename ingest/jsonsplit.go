package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// splitBufSize is the splitter's read window. Most CloudTrail records
// (1-3 KiB) lie whole inside it and reach the decoder without a copy.
const splitBufSize = 256 << 10

// containerPeek is how far past an object's '{' the splitter looks for a
// container key such as "Records": far enough for pretty-printed openings.
const containerPeek = 512

// errObjectLost ends an object whose structure cannot be followed any more
// (it has been reported with a notice); the decoder then returns nil.
var errObjectLost = errors.New("object structure lost")

// recordFunc receives one record's raw JSON. rec is only valid until the
// function returns: it may point into the splitter's read window.
type recordFunc func(rec []byte, pos graph.Position) error

// newJSONReader buffers r for splitJSON. The reader's error is made sticky so
// that a failure seen while peeking (a truncated gzip stream) is seen again,
// and returned, by the splitter.
// The reader is pooled: an organisation's trail is hundreds of thousands
// of small objects, and allocating (and zeroing) a fresh window for each
// cost more than decoding their events. release returns it to the pool.
func newJSONReader(r io.Reader) (br *bufio.Reader, release func()) {
	br = jsonReaders.Get().(*bufio.Reader)
	br.Reset(&stickyReader{r: r})
	return br, func() {
		br.Reset(nil)
		jsonReaders.Put(br)
	}
}

var jsonReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, splitBufSize) }}

type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// splitJSON finds the records of one JSON source object without decoding it,
// and passes each good one with an Index of at least skip to each. A record
// is an element of a top-level array, an element of the array under one of
// containers (`{"Records":[...]}`), or any other top-level object (a single
// object, JSON lines, or concatenated objects). Memory stays bounded by
// MaxRecordBytes whatever the input: an over-long or over-deep record is
// scanned past without being kept, and reported bad.
//
// A record ends where its brackets close, valid JSON or not: checking the
// grammar is left to the decoder, which reports the record bad. At top
// level, a record that is cut short (a raw newline in a string, or a '{' in
// column 0 inside it) is reported bad here, and the scan resumes at the next
// line that starts with '{': JSON lines and pretty-printed concatenations
// both start a record in column 0. A structure error between the records of
// a container ends the object with a notice.
func splitJSON(br *bufio.Reader, containers []string, skip int64, sink Sink, each recordFunc) error {
	s := &jsonSplitter{br: br, skip: skip, sink: sink, each: each, line: 1, prev: '\n'}
	for _, c := range containers {
		s.containers = append(s.containers, []byte(`"`+c+`"`))
	}
	err := s.run()
	if err == io.EOF || err == errObjectLost {
		return nil
	}
	return err
}

type jsonSplitter struct {
	br         *bufio.Reader
	containers [][]byte // container keys, quoted
	skip       int64
	sink       Sink
	each       recordFunc

	line  int64  // line of the next unread byte, 1-based
	prev  byte   // last byte consumed, to tell whether the next starts a line
	index int64  // index of the next record
	rec   []byte // a record that spans read windows
	scan  valueScan
}

func (s *jsonSplitter) run() error {
	if b, _ := s.br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		s.discard(3)
	}
	for {
		c, err := s.peekNonSpace()
		if err != nil {
			return err
		}
		switch {
		case c == '[':
			openLine := s.line
			s.discard(1)
			err = s.array(openLine)
		case c == '{' && s.containerAhead():
			err = s.containerObject()
		case c == '{':
			err = s.record(false, 0)
		default:
			err = s.garbage(c)
		}
		if err != nil {
			return err
		}
	}
}

// window returns the buffered unread bytes, reading when there are none.
func (s *jsonSplitter) window() ([]byte, error) {
	if s.br.Buffered() == 0 {
		if _, err := s.br.Peek(1); err != nil {
			return nil, err
		}
	}
	w, _ := s.br.Peek(s.br.Buffered())
	return w, nil
}

// consume marks the first n bytes of the window w as read.
func (s *jsonSplitter) consume(w []byte, n int) {
	if n > 0 {
		s.prev = w[n-1]
		s.discard(n)
	}
}

func (s *jsonSplitter) discard(n int) {
	// Discard of buffered bytes cannot fail.
	_, _ = s.br.Discard(n)
}

// peekNonSpace consumes whitespace and returns the next byte, unread.
func (s *jsonSplitter) peekNonSpace() (byte, error) {
	for {
		w, err := s.window()
		if err != nil {
			return 0, err
		}
		i := 0
		for i < len(w) && isJSONSpace(w[i]) {
			if w[i] == '\n' {
				s.line++
			}
			i++
		}
		s.consume(w, i)
		if i < len(w) {
			return w[i], nil
		}
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// containerAhead reports whether the '{' at the read position opens a
// container object: its first key is a container key holding an array.
func (s *jsonSplitter) containerAhead() bool {
	head, _ := s.br.Peek(containerPeek)
	if len(head) == 0 {
		return false
	}
	rest := bytes.TrimLeft(head[1:], " \t\r\n")
	for _, key := range s.containers {
		if after, ok := bytes.CutPrefix(rest, key); ok {
			after = bytes.TrimLeft(after, " \t\r\n")
			if after, ok = bytes.CutPrefix(after, []byte(":")); ok {
				after = bytes.TrimLeft(after, " \t\r\n")
				return len(after) > 0 && after[0] == '['
			}
		}
	}
	return false
}

// containerObject reads `{"Records":[...], ...}`: the elements of container
// arrays are records, every other member is skipped.
func (s *jsonSplitter) containerObject() error {
	s.discard(1)
	for member := 0; ; member++ {
		c, err := s.peekNonSpace()
		if err != nil {
			return s.endsInside(err, "object")
		}
		if c == '}' {
			s.discard(1)
			return nil
		}
		if member > 0 {
			if c != ',' {
				return s.lost(c)
			}
			s.discard(1)
			if c, err = s.peekNonSpace(); err != nil {
				return s.endsInside(err, "object")
			}
		}
		if c != '"' {
			return s.lost(c)
		}
		s.scan.reset()
		key, end := s.scanValue(&s.scan, true)
		if end != scanDone {
			return s.unfinished(end, "object")
		}
		isContainer := s.isContainerKey(key)
		if c, err = s.peekNonSpace(); err != nil {
			return s.endsInside(err, "object")
		}
		if c != ':' {
			return s.lost(c)
		}
		s.discard(1)
		if c, err = s.peekNonSpace(); err != nil {
			return s.endsInside(err, "object")
		}
		if isContainer && c == '[' {
			openLine := s.line
			s.discard(1)
			if err := s.array(openLine); err != nil {
				return err
			}
			continue
		}
		s.scan.reset()
		if _, end := s.scanValue(&s.scan, false); end != scanDone {
			return s.unfinished(end, "object")
		}
	}
}

func (s *jsonSplitter) isContainerKey(key []byte) bool {
	for _, k := range s.containers {
		if bytes.Equal(key, k) {
			return true
		}
	}
	return false
}

// array reads the elements of an array whose '[' was on openLine.
func (s *jsonSplitter) array(openLine int64) error {
	for elem := 0; ; elem++ {
		c, err := s.peekNonSpace()
		if err != nil {
			return s.endsInside(err, "array")
		}
		if c == ']' {
			s.discard(1)
			return nil
		}
		if elem > 0 {
			if c != ',' {
				return s.lost(c)
			}
			s.discard(1)
			if _, err = s.peekNonSpace(); err != nil {
				return s.endsInside(err, "array")
			}
		}
		if err := s.record(true, openLine); err != nil {
			return err
		}
	}
}

// record scans one record at the read position and hands it on. Inside a
// container whose opening is on the record's line, the line says nothing
// (a one-line CloudTrail object), so Pos.Line is 0 as graph.Position asks.
func (s *jsonSplitter) record(inContainer bool, openLine int64) error {
	startLine := s.line
	pos := graph.Position{Line: startLine, Index: s.index}
	if inContainer && startLine == openLine {
		pos.Line = 0
	}
	s.index++
	v := &s.scan
	v.reset()
	v.lineRecords = !inContainer
	data, end := s.scanValue(v, true)
	switch {
	case end == scanBad:
		if err := s.bad(pos, v.err); err != nil {
			return err
		}
		if !inContainer {
			return s.resync(startLine)
		}
		return nil // nothing was consumed: the container goes on or is lost
	case v.tooBig:
		err := s.bad(pos, fmt.Sprintf("record exceeds %d MiB cap", MaxRecordBytes>>20))
		return firstErr(err, s.readErr(end))
	case v.tooDeep:
		err := s.bad(pos, fmt.Sprintf("record nested deeper than %d levels", MaxJSONDepth))
		return firstErr(err, s.readErr(end))
	case end != scanDone:
		readErr := s.readErr(end)
		if readErr == io.EOF && pos.Index >= s.skip {
			err := s.sink.Bad(BadRecord{Pos: pos, Reason: truncatedReason(readErr), Truncated: true})
			return firstErr(err, readErr)
		}
		err := s.bad(pos, truncatedReason(readErr))
		return firstErr(err, readErr)
	}
	if pos.Index < s.skip {
		return nil
	}
	return s.each(data, pos)
}

func truncatedReason(err error) string {
	if err == io.EOF {
		return "truncated record: the input ends inside it"
	}
	return "truncated record: " + err.Error()
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// garbage reports a top-level value that is not an object or array, and
// skips to where a record may start again.
func (s *jsonSplitter) garbage(c byte) error {
	startLine := s.line
	pos := graph.Position{Line: startLine, Index: s.index}
	s.index++
	if err := s.bad(pos, fmt.Sprintf("expected a JSON object, found %s", quoteByte(c))); err != nil {
		return err
	}
	return s.resync(startLine)
}

// resync skips to the next line after startLine that starts with '{'.
func (s *jsonSplitter) resync(startLine int64) error {
	for {
		w, err := s.window()
		if err != nil {
			return err
		}
		if s.prev == '\n' && w[0] == '{' && s.line > startLine {
			return nil
		}
		j := bytes.IndexByte(w, '\n')
		if j < 0 {
			s.consume(w, len(w))
			continue
		}
		s.consume(w, j+1)
		s.line++
	}
}

func (s *jsonSplitter) bad(pos graph.Position, reason string) error {
	if pos.Index < s.skip {
		return nil
	}
	return s.sink.Bad(BadRecord{Pos: pos, Reason: reason})
}

// endsInside notes an input that ends between the records of a container.
func (s *jsonSplitter) endsInside(err error, what string) error {
	if err == io.EOF {
		s.sink.Notice(fmt.Sprintf("input ends inside a JSON %s at line %d: the object is truncated", what, s.line))
	}
	return err
}

// unfinished ends a container whose non-record part did not scan.
func (s *jsonSplitter) unfinished(end scanEnd, what string) error {
	if end == scanBad {
		return s.lost(0)
	}
	return s.endsInside(s.readErr(end), what)
}

// lost reports a structure error between records and ends the object.
func (s *jsonSplitter) lost(c byte) error {
	msg := fmt.Sprintf("invalid JSON between records at line %d", s.line)
	if c != 0 {
		msg += ": unexpected " + quoteByte(c)
	}
	s.sink.Notice(msg + "; the rest of the object is skipped")
	return errObjectLost
}

// readErr is the reader's error behind a scan that did not finish.
func (s *jsonSplitter) readErr(end scanEnd) error {
	if end != scanEOF {
		return nil
	}
	if _, err := s.br.Peek(1); err != nil {
		return err
	}
	return io.ErrUnexpectedEOF
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// scanEnd is how a scanValue call ended.
type scanEnd uint8

const (
	scanDone scanEnd = iota // the value is complete
	scanBad                 // broken at the read position (v.err says how)
	scanEOF                 // the input ended, or failed, inside the value
)

// scanValue scans the value that starts at the read position. With keep it
// returns the value's bytes, valid until the next call, unless the value
// outgrows MaxRecordBytes (v.tooBig) or MaxJSONDepth (v.tooDeep).
func (s *jsonSplitter) scanValue(v *valueScan, keep bool) ([]byte, scanEnd) {
	s.rec = s.rec[:0]
	first := true
	for {
		w, err := s.window()
		if err != nil {
			return nil, scanEOF
		}
		used, res := v.step(w, s.prev, &s.line)
		if keep && !v.tooBig && !v.tooDeep {
			if first && res == stepDone {
				s.consume(w, used)
				return w[:used], scanDone
			}
			if len(s.rec)+used > MaxRecordBytes {
				v.tooBig = true
				s.rec = s.rec[:0]
			} else {
				s.rec = appendRecord(s.rec, w[:used])
			}
		}
		first = false
		s.consume(w, used)
		v.n += int64(used)
		switch res {
		case stepDone:
			if v.tooBig || v.tooDeep || !keep {
				return nil, scanDone
			}
			return s.rec, scanDone
		case stepBad:
			return nil, scanBad
		}
	}
}

// stepResult is how one step over a read window ended.
type stepResult uint8

const (
	stepMore stepResult = iota // the window is used up, the value goes on
	stepDone                   // the value ended inside the window
	stepBad                    // the value is broken at the returned offset
)

// valueScan follows one JSON value across read windows to find where it
// ends, tracking only strings (with their escapes) and bracket depth. The
// grammar itself is the decoder's business: a record that is not valid JSON
// still ends where its brackets close, and the decoder reports it. Two
// things are checked here because they show where a top-level record was
// cut short and the next one starts (a truncated JSON line): a raw newline
// inside a string, and a '{' in column 0 inside a record.
type valueScan struct {
	started bool
	scalar  bool // the value is a bare number or literal
	inStr   bool
	esc     bool // the last window ended just after a backslash in a string
	depth   int64
	n       int64  // bytes of the value consumed so far
	err     string // what is wrong, after stepBad
	tooBig  bool
	tooDeep bool
	// lineRecords is set for top-level records, which start in column 0.
	lineRecords bool
}

func (v *valueScan) reset() { *v = valueScan{} }

func (v *valueScan) fail(at int, reason string) (int, stepResult) {
	v.err = reason
	return at, stepBad
}

// step scans w (prev is the byte before it), counting newlines into line,
// and returns how many bytes it consumed: after stepBad the offending byte
// is not consumed, after stepDone the value's last byte is.
func (v *valueScan) step(w []byte, prev byte, line *int64) (int, stepResult) {
	i := 0
	if !v.started {
		v.started = true
		switch c := w[0]; c {
		case '"':
			v.inStr, i = true, 1
		case '{', '[':
			v.depth, i = 1, 1
		case ',', ':', ']', '}':
			return v.fail(0, "invalid JSON: expected a value, found "+quoteByte(c))
		default:
			v.scalar = true
		}
	}
	if v.scalar {
		for i < len(w) && !jsonDelimiter[w[i]] {
			i++
		}
		if i < len(w) {
			return i, stepDone
		}
		return i, stepMore
	}
	if v.esc {
		v.esc, i = false, i+1
	}
	for i < len(w) {
		if v.inStr {
			i += stringStop(w[i:])
			if i == len(w) {
				break
			}
			switch w[i] {
			case '"':
				if i++; v.depth == 0 {
					v.inStr = false
					return i, stepDone
				}
				// Most strings are followed by `:"` or `,"`: go straight
				// into the next one.
				if i+1 < len(w) && (w[i] == ':' || w[i] == ',') && w[i+1] == '"' {
					i += 2
				} else {
					v.inStr = false
				}
				continue
			case '\\':
				if i+1 == len(w) {
					v.esc = true
					return len(w), stepMore
				}
				i++
			case '\n':
				if v.lineRecords {
					return v.fail(i, fmt.Sprintf("invalid JSON: raw newline in a string at byte %d of the record", v.n+int64(i)))
				}
				*line++
			}
			i++
			continue
		}
		i += structuralStop(w[i:])
		if i == len(w) {
			break
		}
		switch w[i] {
		case '"':
			v.inStr = true
		case '{', '[':
			if w[i] == '{' && v.lineRecords && (i > 0 && w[i-1] == '\n' || i == 0 && prev == '\n') {
				return v.fail(i, fmt.Sprintf("truncated record: the next one starts on line %d", *line))
			}
			if v.depth++; v.depth > MaxJSONDepth {
				v.tooDeep = true
			}
		case '}', ']':
			if v.depth--; v.depth == 0 {
				return i + 1, stepDone
			}
		case '\n':
			*line++
		}
		i++
	}
	return i, stepMore
}

// Byte classes for the scanner's inner loops.
var (
	// jsonDelimiter ends a bare number or literal.
	jsonDelimiter = byteClass(" \t\r\n,]}:")
	// jsonStructural is what matters outside strings.
	jsonStructural = byteClass("\"{}[]\n")
	// stringSpecial is what matters inside strings: the end, an escape,
	// and control characters (raw newlines show a cut record).
	stringSpecial = byteClass("\"\\\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f" +
		"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
)

func byteClass(members string) (class [256]bool) {
	for i := range len(members) {
		class[members[i]] = true
	}
	return class
}

// structuralStop is the index of the first structural byte in b, or len(b).
func structuralStop(b []byte) int {
	for i, c := range b {
		if jsonStructural[c] {
			return i
		}
	}
	return len(b)
}

// stringStop is the index of the first byte in b that ends a run of plain
// string content (a quote, a backslash or a control character), or len(b).
// Strings are most of a record, so it looks at eight bytes at a time.
func stringStop(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := 0
	for ; len(b) >= 8; b, n = b[8:], n+8 {
		x := binary.LittleEndian.Uint64(b)
		q, bs := x^('"'*ones), x^('\\'*ones)
		// A byte of q or bs is zero at a quote or backslash, and x - 0x20
		// borrows into a byte's high bit below 0x20. The lowest flag is
		// exact; borrows only spoil the flags above it.
		if m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((x - ' '*ones) &^ x); m&highs != 0 {
			return n + bits.TrailingZeros64(m&highs)/8
		}
	}
	for i, c := range b {
		if stringSpecial[c] {
			return n + i
		}
	}
	return n + len(b)
}

// appendRecord appends b to rec, doubling rec's capacity as needed but never
// past MaxRecordBytes: append's gentler growth for large slices would
// allocate several times the cap on the way to it.
func appendRecord(rec, b []byte) []byte {
	if need := len(rec) + len(b); need > cap(rec) {
		grown := make([]byte, len(rec), min(max(need, 2*cap(rec), 4<<10), MaxRecordBytes))
		copy(grown, rec)
		rec = grown
	}
	return append(rec, b...)
}

package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

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
func newJSONReader(r io.Reader) *bufio.Reader {
	return bufio.NewReaderSize(&stickyReader{r: r}, splitBufSize)
}

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
// Broken records are reported bad, and the scan resynchronises: in a
// container by bracket counting to the end of the element, at top level at
// the next line that starts with '{' (JSON lines and pretty-printed
// concatenations both start a record in column 0). A structure error between
// records ends the object with a notice.
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
		v.recover()
		if v.done() {
			return nil
		}
		if _, end = s.scanValue(v, false); end != scanDone {
			return s.readErr(end)
		}
		return nil
	case v.tooBig:
		err := s.bad(pos, fmt.Sprintf("record exceeds %d MiB cap", MaxRecordBytes>>20))
		return firstErr(err, s.readErr(end))
	case v.tooDeep:
		err := s.bad(pos, fmt.Sprintf("record nested deeper than %d levels", MaxJSONDepth))
		return firstErr(err, s.readErr(end))
	case end != scanDone:
		err := s.bad(pos, truncatedReason(s.readErr(end)))
		return firstErr(err, s.readErr(end))
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
	scanBad                 // syntax error at the read position (v.err says what)
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

// scanState is where a valueScan is in the JSON grammar.
type scanState uint8

const (
	stValue        scanState = iota // a value must come next
	stValueOrClose                  // after '[': a value or ']'
	stKeyOrClose                    // after '{': a key or '}'
	stKey                           // after ',' in an object: a key
	stColon                         // after a key
	stAfter                         // after a value inside a container: ',' or a close
	stString                        // inside a string (isKey tells which)
	stScalar                        // inside a number or literal
)

// stepResult is how one step over a read window ended.
type stepResult uint8

const (
	stepMore stepResult = iota // the window is used up, the value goes on
	stepDone                   // the value ended inside the window
	stepBad                    // syntax error at the returned offset
)

// valueScan follows one JSON value across read windows. It checks the
// grammar closely enough to find where a broken record ends (brackets,
// separators, strings, escapes, raw newlines in strings) and leaves number
// and literal spelling to the decoder. Past MaxJSONDepth, and while
// recovering from an error, it only counts brackets.
type valueScan struct {
	st       scanState
	isKey    bool
	esc      bool   // the last window ended just after a backslash in a string
	stack    []byte // open brackets while checking the grammar
	counting bool   // only brackets are counted, in count
	count    int64
	n        int64  // bytes of the value consumed so far
	err      string // the syntax error, after stepBad
	tooBig   bool
	tooDeep  bool
	// lineRecords is set for top-level records, which start in column 0:
	// a '{' in column 0 inside one means it was cut short and the next
	// record begins there (a truncated JSON line).
	lineRecords bool
}

func (v *valueScan) reset() {
	*v = valueScan{stack: v.stack[:0]}
}

func (v *valueScan) depth() int64 {
	if v.counting {
		return v.count
	}
	return int64(len(v.stack))
}

// recover turns a failed scan into bracket counting from where it failed,
// so that the end of a broken container element can still be found.
func (v *valueScan) recover() {
	v.counting = true
	v.count = int64(len(v.stack))
	if v.st != stString {
		v.st = stAfter
	}
}

// done reports whether a recovering scan has nothing left to skip.
func (v *valueScan) done() bool { return v.st != stString && v.depth() == 0 }

func (v *valueScan) fail(at int, what string) (int, stepResult) {
	return at, v.setFail(at, what)
}

func (v *valueScan) setFail(at int, what string) stepResult {
	v.err = fmt.Sprintf("invalid JSON at byte %d of the record: %s", v.n+int64(at), what)
	return stepBad
}

// step scans w from its start (prev is the byte before it), counting
// newlines into line, and returns how many bytes it consumed: after stepBad
// the offending byte is not consumed, after stepDone the value's last byte
// is. The state lives in locals while it runs: this loop is the splitter's
// hot path.
func (v *valueScan) step(w []byte, prev byte, line *int64) (int, stepResult) {
	if v.counting {
		return v.countStep(w, line)
	}
	st, stack := v.st, v.stack
	i, res := 0, stepMore
	if v.esc {
		if !isEscapeChar(w[0]) {
			return v.fail(0, "invalid escape \\"+string(rune(w[0])))
		}
		v.esc, i = false, 1
	}
scan:
	for i < len(w) {
		if st == stString {
			i += stringStop(w[i:])
			if i == len(w) {
				break
			}
			switch c := w[i]; {
			case c == '"':
				i++
				if v.isKey {
					st = stColon
					continue
				}
				st = stAfter
				if len(stack) == 0 {
					res = stepDone
					break scan
				}
			case c == '\\':
				if i+1 == len(w) {
					v.esc, i = true, i+1
					break scan
				}
				if !isEscapeChar(w[i+1]) {
					res = v.setFail(i+1, "invalid escape \\"+string(rune(w[i+1])))
					i++
					break scan
				}
				i += 2
			case c == '\n':
				res = v.setFail(i, "raw newline inside a string")
				break scan
			default:
				res = v.setFail(i, fmt.Sprintf("raw control character 0x%02x inside a string", c))
				break scan
			}
			continue
		}
		c := w[i]
		if st == stScalar {
			for i < len(w) && isScalarByte(c) {
				if i++; i < len(w) {
					c = w[i]
				}
			}
			if i == len(w) {
				break
			}
			st = stAfter
			if len(stack) == 0 {
				res = stepDone
				break
			}
		}
		if c <= ' ' && isJSONSpace(c) {
			if c == '\n' {
				*line++
			}
			i++
			continue
		}
		switch st {
		case stValue, stValueOrClose:
			switch {
			case c == '"':
				st, v.isKey = stString, false
			case c == '{' || c == '[':
				if c == '{' && v.lineRecords && len(stack) > 0 && (i > 0 && w[i-1] == '\n' || i == 0 && prev == '\n') {
					res = v.setFail(i, "the record is cut short: '{' starts a line inside it")
					break scan
				}
				if len(stack) == MaxJSONDepth {
					v.st, v.stack = st, stack
					v.tooDeep, v.counting, v.count = true, true, MaxJSONDepth+1
					used, r := v.countStep(w[i+1:], line)
					return i + 1 + used, r
				}
				stack = append(stack, c)
				st = stValueOrClose
				if c == '{' {
					st = stKeyOrClose
				}
			case c == ']' && st == stValueOrClose:
				stack = stack[:len(stack)-1]
				st = stAfter
				if len(stack) == 0 {
					i, res = i+1, stepDone
					break scan
				}
			case c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
				st = stScalar
			default:
				res = v.setFail(i, "unexpected "+quoteByte(c))
				break scan
			}
		case stKeyOrClose, stKey:
			switch {
			case c == '"':
				st, v.isKey = stString, true
			case c == '}' && st == stKeyOrClose:
				stack = stack[:len(stack)-1]
				st = stAfter
				if len(stack) == 0 {
					i, res = i+1, stepDone
					break scan
				}
			default:
				res = v.setFail(i, "expected a key, found "+quoteByte(c))
				break scan
			}
		case stColon:
			if c != ':' {
				res = v.setFail(i, "expected ':', found "+quoteByte(c))
				break scan
			}
			st = stValue
		case stAfter:
			top := stack[len(stack)-1]
			switch {
			case c == ',' && top == '{':
				st = stKey
			case c == ',':
				st = stValue
			case c == '}' && top == '{' || c == ']' && top == '[':
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					i, res = i+1, stepDone
					break scan
				}
			default:
				res = v.setFail(i, "unexpected "+quoteByte(c)+" after a value")
				break scan
			}
		}
		i++
	}
	v.st, v.stack = st, stack
	return i, res
}

// countStep is step for a value that is only followed to its end: past
// MaxJSONDepth, or after a syntax error. Strings are still skipped whole so
// that brackets inside them do not count.
func (v *valueScan) countStep(w []byte, line *int64) (int, stepResult) {
	i := 0
	if v.esc {
		v.esc, i = false, 1
	}
	for i < len(w) {
		c := w[i]
		if v.st == stString {
			i += stringStop(w[i:])
			if i == len(w) {
				break
			}
			switch c = w[i]; c {
			case '"':
				v.st = stAfter
				if v.count <= 0 {
					return i + 1, stepDone
				}
			case '\\':
				if i+1 == len(w) {
					v.esc = true
				}
				i++
			case '\n':
				*line++
			}
			i++
			continue
		}
		switch c {
		case '"':
			v.st = stString
		case '{', '[':
			v.count++
		case '}', ']':
			if v.count--; v.count <= 0 {
				return i + 1, stepDone
			}
		case '\n':
			*line++
		}
		i++
	}
	return i, stepMore
}

// stringStop is the index in b of the first byte that ends a run of plain
// string content: a quote, a backslash or a control character (len(b) when
// there is none). It looks at eight bytes at a time, since strings are most
// of a CloudTrail record.
func stringStop(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ ('"' * ones)
		bs := x ^ ('\\' * ones)
		// A zero byte of q or bs is a quote or backslash; x - 0x20 per byte
		// borrows into the high bit for bytes below 0x20. The lowest flag
		// is exact: borrows only corrupt the flags above it.
		m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((x - ' '*ones) &^ x)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < ' ' {
			return i
		}
	}
	return len(b)
}

func isEscapeChar(c byte) bool {
	switch c {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u':
		return true
	}
	return false
}

// isScalarByte reports whether c may be part of a number or literal.
func isScalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-'
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

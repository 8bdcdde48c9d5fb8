package ingest

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// jsonTestSink records everything a decoder reports.
type jsonTestSink struct {
	calls    []*graph.APICall
	findings []*graph.Finding
	bad      []BadRecord
	notices  []string
	// events lists every record in order, good or bad, as "line/index kind";
	// indexes holds their Pos.Index.
	events  []string
	indexes []int64
}

func (s *jsonTestSink) record(pos graph.Position, kind string) {
	s.events = append(s.events, fmt.Sprintf("%d/%d %s", pos.Line, pos.Index, kind))
	s.indexes = append(s.indexes, pos.Index)
}

func (s *jsonTestSink) APICall(c *graph.APICall) error {
	s.calls = append(s.calls, c)
	s.record(c.Pos, "call")
	return nil
}

func (s *jsonTestSink) Flow(f *graph.FlowRecord) error {
	return fmt.Errorf("JSON decoder produced a flow record at %v", f.Pos)
}

func (s *jsonTestSink) Finding(f *graph.Finding) error {
	s.findings = append(s.findings, f)
	s.record(f.Pos, "finding")
	return nil
}

func (s *jsonTestSink) Bad(b BadRecord) error {
	s.bad = append(s.bad, b)
	s.record(b.Pos, "bad")
	return nil
}

func (s *jsonTestSink) Notice(msg string) { s.notices = append(s.notices, msg) }

// splitForTest runs the splitter over in and describes what it found, one
// entry per record ("line/index raw" or "line/index bad: reason"), then the
// notices.
func splitForTest(in io.Reader, containers []string, skip int64) ([]string, error) {
	var out []string
	sink := &jsonTestSink{}
	each := func(rec []byte, pos graph.Position) error {
		out = append(out, fmt.Sprintf("%d/%d %s", pos.Line, pos.Index, rec))
		return nil
	}
	br, release := newJSONReader(in)
	defer release()
	err := splitJSON(br, containers, skip, jsonSplitSink{sink, &out}, each)
	for _, n := range sink.notices {
		out = append(out, "notice: "+n)
	}
	return out, err
}

// jsonSplitSink interleaves bad records with the good ones splitForTest
// collects.
type jsonSplitSink struct {
	*jsonTestSink
	out *[]string
}

func (s jsonSplitSink) Bad(b BadRecord) error {
	*s.out = append(*s.out, fmt.Sprintf("%d/%d bad: %s", b.Pos.Line, b.Pos.Index, b.Reason))
	return nil
}

var recordsKey = []string{"Records"}

func TestSplitJSON(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}` }
	tests := []struct {
		name string
		in   string
		skip int64
		want []string
	}{
		{"one-line S3 object", `{"Records":[{"a":1},{"b":"x"}]}`, 0,
			[]string{`0/0 {"a":1}`, `0/1 {"b":"x"}`}},
		{"pretty S3 object with more members", "{\n \"Records\" : [\n  {\"a\":1},\n  {\"b\":2}\n ],\n \"x\": {\"y\":[1,\"]\"]}\n}\n", 0,
			[]string{`3/0 {"a":1}`, `4/1 {"b":2}`}},
		{"empty container", `{"Records":[]}`, 0, nil},
		{"container key not first is one record", `{"x":1,"Records":[{"a":1}]}`, 0,
			[]string{`1/0 {"x":1,"Records":[{"a":1}]}`}},
		{"container key without an array is one record", `{"Records":null}`, 0,
			[]string{`1/0 {"Records":null}`}},
		{"array", "[{\"a\":1},\n{\"b\":2}]", 0, []string{`0/0 {"a":1}`, `2/1 {"b":2}`}},
		{"array of scalars", `[1, "x", null, true]`, 0, []string{`0/0 1`, `0/1 "x"`, `0/2 null`, `0/3 true`}},
		{"JSON lines with blank lines", "{\"a\":1}\n\n{\"b\":2}\r\n   \n{\"c\":3}", 0,
			[]string{`1/0 {"a":1}`, `3/1 {"b":2}`, `5/2 {"c":3}`}},
		{"concatenated pretty objects", "{\n  \"a\": 1\n}\n{\n  \"b\": {\n    \"c\": 2\n  }\n}\n", 0,
			[]string{"1/0 {\n  \"a\": 1\n}", "4/1 {\n  \"b\": {\n    \"c\": 2\n  }\n}"}},
		{"single object with BOM", "\xef\xbb\xbf  {\"a\":1}", 0, []string{`1/0 {"a":1}`}},
		{"escapes and brackets in strings", `{"a\"}":"x\"}{[\\","b":"\u00e9\n\t\u001b[0m"}`, 0,
			[]string{`1/0 {"a\"}":"x\"}{[\\","b":"\u00e9\n\t\u001b[0m"}`}},
		{"empty input", "", 0, nil},
		{"blank input", " \n\t\r\n", 0, nil},
		{"skip", `{"Records":[{"a":1},{"b":2},{"c":3}]}`, 2, []string{`0/2 {"c":3}`}},
		{"skip counts bad records", "{\"a\":1}\n{\"a\":\"x\n{\"c\":3}\n", 1,
			[]string{`2/1 bad: invalid JSON: raw newline in a string at byte 7 of the record`, `3/2 {"c":3}`}},
		{"grammar is the decoder's", "{\"a\" 1}\n{\"b\":\"\\x\"}\n{\"c\":tru}", 0,
			[]string{`1/0 {"a" 1}`, `2/1 {"b":"\x"}`, `3/2 {"c":tru}`}},

		{"JSON line cut short, next line starts a record", "{\"a\":1}\n{\"b\":\n{\"c\":3}\n", 0,
			[]string{`1/0 {"a":1}`, `2/1 bad: truncated record: the next one starts on line 3`, `3/2 {"c":3}`}},
		{"JSON line cut in a key", "{\"a\":1}\n{\"b\":1,\n{\"c\":3}\n", 0,
			[]string{`1/0 {"a":1}`, `2/1 bad: truncated record: the next one starts on line 3`, `3/2 {"c":3}`}},
		{"JSON line cut in a string", "{\"a\":\"abc\n{\"c\":3}\n", 0,
			[]string{`1/0 bad: invalid JSON: raw newline in a string at byte 9 of the record`, `2/1 {"c":3}`}},
		{"bracket mismatch in a JSON line", "{\"a\":[1,2}\n{\"c\":3}\n", 0,
			[]string{`1/0 bad: truncated record: the next one starts on line 2`, `2/1 {"c":3}`}},
		{"garbage lines are one bad record", "{\"a\":1}\nhello\nworld\n{\"b\":2}\n", 0,
			[]string{`1/0 {"a":1}`, `2/1 bad: expected a JSON object, found 'h'`, `4/2 {"b":2}`}},
		{"garbage after a value", "[{\"a\":1}] x\n{\"b\":2}", 0,
			[]string{`0/0 {"a":1}`, `1/1 bad: expected a JSON object, found 'x'`, `2/2 {"b":2}`}},

		{"broken element in a container ends at its brackets", `{"Records":[{"a":1},{"b" 2},{"c":3}]}`, 0,
			[]string{`0/0 {"a":1}`, `0/1 {"b" 2}`, `0/2 {"c":3}`}},
		{"missing value in a container", `{"Records":[{"a":1},,{"c":3}]}`, 0,
			[]string{`0/0 {"a":1}`, `0/1 bad: invalid JSON: expected a value, found ','`, `0/2 {"c":3}`}},
		{"trailing comma", `[{"a":1},]`, 0,
			[]string{`0/0 {"a":1}`, `0/1 bad: invalid JSON: expected a value, found ']'`}},
		{"input ends inside a record", `{"Records":[{"a":1},{"b":2`, 0,
			[]string{`0/0 {"a":1}`, `0/1 bad: truncated record: the input ends inside it`}},
		{"input ends between records", "{\"Records\":[{\"a\":1},", 0,
			[]string{`0/0 {"a":1}`, `notice: input ends inside a JSON array at line 1: the object is truncated`}},
		{"structure lost between records", `{"Records":[{"a":1} {"b":2}]} {"c":3}`, 0,
			[]string{`0/0 {"a":1}`, `notice: invalid JSON between records at line 1: unexpected '{'; the rest of the object is skipped`}},

		{"nesting at the cap", deep(MaxJSONDepth) + "\n", 0, []string{"1/0 " + deep(MaxJSONDepth)}},
		{"nesting over the cap", deep(MaxJSONDepth+1) + "\n{\"b\":2}", 0,
			[]string{`1/0 bad: record nested deeper than 256 levels`, `2/1 {"b":2}`}},
	}
	for _, tt := range tests {
		for _, r := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{
			{"whole", func(r io.Reader) io.Reader { return r }},
			{"one byte reads", iotest.OneByteReader},
		} {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				got, err := splitForTest(r.wrap(strings.NewReader(tt.in)), recordsKey, tt.skip)
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
				}
			})
		}
	}
}

// jsonRepeat yields unit n times without holding the repetitions in
// memory: hostile input of any size.
type jsonRepeat struct {
	unit string
	n    int
	off  int
}

func (r *jsonRepeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.unit[r.off:])
	if r.off += n; r.off == len(r.unit) {
		r.off, r.n = 0, r.n-1
	}
	return n, nil
}

func newStream(prefix, unit string, n int, suffix string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix), &jsonRepeat{unit: unit, n: n}, strings.NewReader(suffix))
}

func TestSplitJSONHostileSizes(t *testing.T) {
	tests := []struct {
		name string
		in   func() io.Reader
		want []string
	}{
		{"record over the cap in JSON lines", func() io.Reader {
			return newStream("{\"a\":1}\n{\"big\":\"", strings.Repeat("x", 1<<20), 9, "\"}\n{\"b\":2}\n")
		}, []string{`1/0 {"a":1}`, `2/1 bad: record exceeds 8 MiB cap`, `3/2 {"b":2}`}},
		{"64 MiB line in a container", func() io.Reader {
			return newStream(`{"Records":[{"a":1},{"big":"`, strings.Repeat("y", 1<<20), 64, `"},{"b":2}]}`)
		}, []string{`0/0 {"a":1}`, `0/1 bad: record exceeds 8 MiB cap`, `0/2 {"b":2}`}},
		{"100k-deep nesting", func() io.Reader {
			return newStream(`{"a":`, "[", 100_000, strings.Repeat("]", 100_000)+"}\n{\"b\":2}")
		}, []string{`1/0 bad: record nested deeper than 256 levels`, `2/1 {"b":2}`}},
		{"100k-deep nesting never closed", func() io.Reader {
			return newStream("[", "{\"a\":[", 100_000, "")
		}, []string{`0/0 bad: record nested deeper than 256 levels`}},
		{"over the cap and truncated", func() io.Reader {
			return newStream(`{"big":"`, strings.Repeat("z", 1<<20), 10, "")
		}, []string{`1/0 bad: record exceeds 8 MiB cap`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			got, err := splitForTest(tt.in(), recordsKey, 0)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			// The record buffer may grow to the cap, never with the input.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*MaxRecordBytes {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}

var errJSONDisk = errors.New("disk on fire")

// jsonFailingReader returns its data, then err.
type jsonFailingReader struct {
	data string
	err  error
}

func (f *jsonFailingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestSplitJSONReadError(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"inside a record", `{"Records":[{"a":1},{"b":`, []string{`0/0 {"a":1}`, `0/1 bad: truncated record: disk on fire`}},
		{"between records", `{"Records":[{"a":1}`, []string{`0/0 {"a":1}`}},
		{"before anything", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitForTest(&jsonFailingReader{tt.data, errJSONDisk}, recordsKey, 0)
			if err != errJSONDisk {
				t.Errorf("error %v, want %v", err, errJSONDisk)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSplitJSONStopsOnSinkError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	each := func([]byte, graph.Position) error { calls++; return stop }
	br, release := newJSONReader(strings.NewReader(`[{"a":1},{"b":2}]`))
	defer release()
	err := splitJSON(br, recordsKey, 0, &jsonTestSink{}, each)
	if err != stop || calls != 1 {
		t.Errorf("error %v after %d recordsKey, want %v after 1", err, calls, stop)
	}
}

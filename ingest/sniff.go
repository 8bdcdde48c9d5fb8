package ingest

import (
	"bytes"
	"strings"
)

// Sniff tells what a source object holds from the start of its decompressed
// content: head is up to SniffBytes and may end mid-record. It goes by
// content, never by file name, because buckets hold renamed and re-exported
// objects. JSON is classified by the keys of its first record (and of that
// record's EventBridge "detail"); anything else is a flow log if
// LooksLikeFlowLog says so; Parquet (flow logs' other S3 format) by its
// magic number. A UTF-8 BOM and leading whitespace are allowed.
func Sniff(head []byte) Format {
	if bytes.HasPrefix(head, []byte("PAR1")) { // Parquet's magic number
		return FormatFlowLogParquet
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	body := bytes.TrimLeft(head, " \t\r\n")
	if len(body) > 0 && (body[0] == '{' || body[0] == '[') {
		return sniffJSON(body)
	}
	if LooksLikeFlowLog(head) {
		return FormatFlowLog
	}
	return FormatUnknown
}

// Keys whose presence marks a record; compared lower-cased because
// GuardDuty findings come in PascalCase (AWS CLI) and camelCase (S3 export).
var (
	digestKeys     = []string{"digeststarttime", "digests3object", "previousdigestsignature"}
	cloudTrailKeys = []string{"eventversion", "eventsource", "eventname", "eventtime", "eventid"}
	findingKeys    = []string{"schemaversion", "resource", "service", "severity", "createdat", "updatedat"}
)

// sniffJSON classifies JSON content that starts at b[0].
func sniffJSON(b []byte) Format {
	h := headScanner{b: b}
	container, atRecord := h.firstRecord()
	rec, detail := map[string]string{}, map[string]string{}
	if atRecord {
		h.fields(rec, detail)
	}
	switch container {
	case "Records":
		// S3 event notifications share the container; their eventSource
		// is "aws:s3", CloudTrail's a host name.
		if strings.HasPrefix(rec["eventsource"], "aws:") {
			return FormatUnknown
		}
		return FormatCloudTrail
	case "Findings", "findings":
		return FormatGuardDuty
	}
	if countKeys(rec, digestKeys) > 0 {
		return FormatCloudTrailDigest
	}
	switch dt := rec["detail-type"]; {
	case dt == "GuardDuty Finding":
		return FormatGuardDuty
	case strings.HasSuffix(dt, "via CloudTrail"):
		return FormatCloudTrail
	}
	for _, m := range []map[string]string{detail, rec} {
		switch {
		case isCloudTrailEvent(m):
			return FormatCloudTrail
		case isFinding(m):
			return FormatGuardDuty
		}
	}
	return FormatUnknown
}

func isCloudTrailEvent(m map[string]string) bool {
	return countKeys(m, cloudTrailKeys) >= 2 && !strings.HasPrefix(m["eventsource"], "aws:")
}

func isFinding(m map[string]string) bool {
	_, typed := m["type"]
	return typed && countKeys(m, findingKeys) >= 2
}

func countKeys(m map[string]string, keys []string) int {
	n := 0
	for _, k := range keys {
		if _, ok := m[k]; ok {
			n++
		}
	}
	return n
}

// headScanner reads the keys of the first record of a JSON head. It stops
// quietly where the head ends or stops being JSON: a guess needs no more.
type headScanner struct {
	b []byte
	i int
}

// firstRecord moves to the first record's '{' and reports the container
// key it sits under ("Records", "Findings", "findings", or "" for a record
// at top level or in a top-level array).
func (h *headScanner) firstRecord() (container string, atRecord bool) {
	switch h.peek() {
	case '[':
		h.i++
		return "", h.peek() == '{'
	case '{':
	default:
		return "", false
	}
	start := h.i
	h.i++
	if h.peek() == '"' {
		key, ok := h.str()
		if ok && h.peek() == ':' {
			h.i++
			switch key {
			case "Records", "Findings", "findings":
				if h.peek() == '[' {
					h.i++
					return key, h.peek() == '{'
				}
			}
		}
	}
	h.i = start
	return "", true
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (h *headScanner) peek() byte {
	for h.i < len(h.b) && isJSONSpace(h.b[h.i]) {
		h.i++
	}
	if h.i < len(h.b) {
		return h.b[h.i]
	}
	return 0
}

// str reads a string at h.i and returns its raw (still escaped) content.
func (h *headScanner) str() (string, bool) {
	start := h.i + 1
	for j := start; j < len(h.b); j++ {
		switch h.b[j] {
		case '\\':
			j++
		case '"':
			h.i = j + 1
			return string(h.b[start:j]), true
		}
	}
	h.i = len(h.b)
	return "", false
}

// fields reads the object at h.i into m: lower-cased key -> string value
// ("" for other values); the members of a "detail" object go into detail.
func (h *headScanner) fields(m, detail map[string]string) {
	if h.peek() != '{' {
		return
	}
	h.i++
	for {
		switch h.peek() {
		case '"':
		case ',':
			h.i++
			continue
		default:
			return
		}
		key, ok := h.str()
		if !ok || h.peek() != ':' {
			return
		}
		h.i++
		key = strings.ToLower(key)
		switch c := h.peek(); {
		case c == '"':
			v, ok := h.str()
			if !ok {
				return
			}
			m[key] = v
		case c == '{' && key == "detail" && detail != nil:
			m[key] = ""
			h.fields(detail, nil)
			if h.peek() != '}' {
				return
			}
			h.i++
		default:
			m[key] = ""
			if !h.skip() {
				return
			}
		}
	}
}

// skip passes over the value at h.i, reporting false if the head ends first.
func (h *headScanner) skip() bool {
	depth := 0
	for h.i < len(h.b) {
		switch c := h.b[h.i]; c {
		case '"':
			if _, ok := h.str(); !ok {
				return false
			}
			if depth == 0 {
				return true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return true // the end of the enclosing value
			}
			if depth--; depth == 0 {
				h.i++
				return true
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return true
			}
		}
		h.i++
	}
	return false
}

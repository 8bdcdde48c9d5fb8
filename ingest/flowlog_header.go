package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// flowField is a column of a flow-log line that the decoder reads into
// graph.FlowRecord. Columns it does not keep, known or not, are flowFieldIgnored.
type flowField uint8

const (
	flowFieldIgnored flowField = iota
	flowFieldVersion
	flowFieldAccount
	flowFieldInterface
	flowFieldSrcAddr
	flowFieldDstAddr
	flowFieldSrcPort
	flowFieldDstPort
	flowFieldProtocol
	flowFieldPackets
	flowFieldBytes
	flowFieldStart
	flowFieldEnd
	flowFieldAction
	flowFieldLogStatus
	flowFieldVPC
	flowFieldSubnet
	flowFieldInstance
	flowFieldTCPFlags
	flowFieldPktSrcAddr
	flowFieldPktDstAddr
	flowFieldRegion
	flowFieldAZ
	flowFieldDirection
)

// flowFieldSpec says what a field name from AWS's list means to the decoder
// and which flow-log version introduced it: the version of a record without
// a version column is that of the newest field its format names.
type flowFieldSpec struct {
	field   flowField
	version int
}

// flowLogFields is every field name AWS documents for flow logs versions 2
// to 8. Names outside it are future fields: tolerated and ignored.
var flowLogFields = map[string]flowFieldSpec{
	"version":                    {flowFieldVersion, 2},
	"account-id":                 {flowFieldAccount, 2},
	"interface-id":               {flowFieldInterface, 2},
	"srcaddr":                    {flowFieldSrcAddr, 2},
	"dstaddr":                    {flowFieldDstAddr, 2},
	"srcport":                    {flowFieldSrcPort, 2},
	"dstport":                    {flowFieldDstPort, 2},
	"protocol":                   {flowFieldProtocol, 2},
	"packets":                    {flowFieldPackets, 2},
	"bytes":                      {flowFieldBytes, 2},
	"start":                      {flowFieldStart, 2},
	"end":                        {flowFieldEnd, 2},
	"action":                     {flowFieldAction, 2},
	"log-status":                 {flowFieldLogStatus, 2},
	"vpc-id":                     {flowFieldVPC, 3},
	"subnet-id":                  {flowFieldSubnet, 3},
	"instance-id":                {flowFieldInstance, 3},
	"tcp-flags":                  {flowFieldTCPFlags, 3},
	"type":                       {flowFieldIgnored, 3},
	"pkt-srcaddr":                {flowFieldPktSrcAddr, 3},
	"pkt-dstaddr":                {flowFieldPktDstAddr, 3},
	"region":                     {flowFieldRegion, 4},
	"az-id":                      {flowFieldAZ, 4},
	"sublocation-type":           {flowFieldIgnored, 4},
	"sublocation-id":             {flowFieldIgnored, 4},
	"pkt-src-aws-service":        {flowFieldIgnored, 5},
	"pkt-dst-aws-service":        {flowFieldIgnored, 5},
	"flow-direction":             {flowFieldDirection, 5},
	"traffic-path":               {flowFieldIgnored, 5},
	"ecs-cluster-arn":            {flowFieldIgnored, 7},
	"ecs-cluster-name":           {flowFieldIgnored, 7},
	"ecs-container-instance-arn": {flowFieldIgnored, 7},
	"ecs-container-instance-id":  {flowFieldIgnored, 7},
	"ecs-container-id":           {flowFieldIgnored, 7},
	"ecs-second-container-id":    {flowFieldIgnored, 7},
	"ecs-service-name":           {flowFieldIgnored, 7},
	"ecs-task-definition-arn":    {flowFieldIgnored, 7},
	"ecs-task-arn":               {flowFieldIgnored, 7},
	"ecs-task-id":                {flowFieldIgnored, 7},
	"reject-reason":              {flowFieldIgnored, 8},
}

// defaultFlowLogHeader is AWS's default format, which objects delivered
// without a header line (CloudWatch Logs exports, older S3 objects) use.
const defaultFlowLogHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

var defaultFlowLogFormat = mustParseFlowLogHeader(defaultFlowLogHeader)

// FlowLogFormat is the layout of a flow-log object's lines, as its header
// names it: which field each space-separated column holds.
type FlowLogFormat struct {
	names   []string
	columns []flowField
	// unknown lists the names that are not in AWS's list, in column order.
	unknown []string
	version int
}

// Version is the version of the format's records when they carry no
// version column: that of the newest field the header names.
func (f FlowLogFormat) Version() int { return f.version }

// String is the header line that names the format.
func (f FlowLogFormat) String() string { return strings.Join(f.names, " ") }

var errNotFlowLogHeader = errors.New("not a flow-log header: want flow-log field names such as srcaddr and dstaddr, separated by spaces")

// ParseFlowLogHeader reads a flow-log header line: field names separated by
// spaces, any subset of AWS's fields in any order. Names AWS has not
// documented (yet) are kept as ignored columns, so a newer format still
// decodes, as long as documented names are the majority (which also bounds
// a header to twice the documented fields); a name given twice is an
// error.
func ParseFlowLogHeader(line string) (FlowLogFormat, error) {
	return parseFlowLogHeader([]byte(line))
}

func mustParseFlowLogHeader(line string) FlowLogFormat {
	f, err := ParseFlowLogHeader(line)
	if err != nil {
		panic(err)
	}
	return f
}

func parseFlowLogHeader(line []byte) (FlowLogFormat, error) {
	line = trimFlowLine(line)
	if !isFlowHeader(line) {
		return FlowLogFormat{}, errNotFlowLogHeader
	}
	var f FlowLogFormat
	seen := make(map[string]bool)
	for tok, rest := cutFlowField(line); len(tok) > 0; tok, rest = cutFlowField(rest) {
		name := string(tok)
		if seen[name] {
			return FlowLogFormat{}, fmt.Errorf("flow-log header names field %s twice", name)
		}
		seen[name] = true
		f.names = append(f.names, name)
		spec, known := flowLogFields[name]
		if !known {
			f.unknown = append(f.unknown, name)
		}
		f.columns = append(f.columns, spec.field)
		f.version = max(f.version, spec.version)
	}
	return f, nil
}

// isFlowHeader reports whether line is a header: every token a field name
// (a lowercase letter, then lowercase letters, digits and hyphens), with
// names from AWS's list outnumbering others. Unknown names are allowed so
// that a newer format is still recognised; the majority rule keeps a data
// line of words (an ECS cluster named "bytes") from passing as a header.
// Data lines fail at their first number, address, "-" or upper-case
// token, which keeps the check cheap on lines that start with a letter.
func isFlowHeader(line []byte) bool {
	known, unknown := 0, 0
	for tok, rest := cutFlowField(line); len(tok) > 0; tok, rest = cutFlowField(rest) {
		if !isFlowFieldName(tok) {
			return false
		}
		if _, ok := flowLogFields[string(tok)]; ok {
			known++
		} else {
			unknown++
		}
	}
	return known > unknown
}

func isFlowFieldName(tok []byte) bool {
	if len(tok) == 0 || tok[0] < 'a' || tok[0] > 'z' {
		return false
	}
	for _, c := range tok[1:] {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// LooksLikeFlowLog reports whether head, the start of an object's
// decompressed content, is VPC Flow Logs text: its first non-blank line is
// either a header that names srcaddr, dstaddr or interface-id and two more
// documented fields, or a record in the default version-2 format. It looks
// at that one line only.
func LooksLikeFlowLog(head []byte) bool {
	line := firstFlowLine(head)
	if len(line) == 0 {
		return false
	}
	if isFlowHeader(line) {
		return sniffFlowHeader(line)
	}
	return sniffFlowV2Record(line)
}

func isFlowDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

func firstFlowLine(b []byte) []byte {
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte{'\n'})
		if line = trimFlowLine(line); len(line) > 0 {
			return line
		}
		b = rest
	}
	return nil
}

func sniffFlowHeader(line []byte) bool {
	known, anchored := 0, false
	for tok, rest := cutFlowField(line); len(tok) > 0; tok, rest = cutFlowField(rest) {
		spec, ok := flowLogFields[string(tok)]
		if !ok {
			continue
		}
		known++
		switch spec.field {
		case flowFieldSrcAddr, flowFieldDstAddr, flowFieldInterface:
			anchored = true
		}
	}
	return anchored && known >= 3
}

// sniffFlowV2Record checks a line against the default format field by
// field.
func sniffFlowV2Record(line []byte) bool {
	var toks [15][]byte
	n := 0
	for tok, rest := cutFlowField(line); len(tok) > 0; tok, rest = cutFlowField(rest) {
		if n == len(toks) {
			return false
		}
		toks[n] = tok
		n++
	}
	if n != 14 || string(toks[0]) != "2" {
		return false
	}
	if eni := toks[2]; !isFlowDash(eni) && !bytes.HasPrefix(eni, []byte("eni-")) {
		return false
	}
	for _, addr := range toks[3:5] {
		if _, _, ok := scanFlowAddr(addr, 0); !ok && !isFlowDash(addr) {
			return false
		}
	}
	for _, num := range toks[5:12] {
		if _, ok := parseFlowUint(num, maxFlowInt64); !ok && !isFlowDash(num) {
			return false
		}
	}
	switch string(toks[12]) {
	case "ACCEPT", "REJECT", "-":
	default:
		return false
	}
	switch string(toks[13]) {
	case "OK", "NODATA", "SKIPDATA":
		return true
	}
	return false
}

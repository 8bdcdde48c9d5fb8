package ingest

import (
	"fmt"
	"io"
)

// Format is what a source object holds, found from its content.
type Format uint8

const (
	FormatUnknown Format = iota
	FormatCloudTrail
	// FormatCloudTrailDigest is a CloudTrail digest file: recognised and
	// skipped with a notice, never decoded as events.
	FormatCloudTrailDigest
	FormatFlowLog
	FormatGuardDuty
	// FormatFlowLogParquet is VPC flow logs delivered in Parquet.
	FormatFlowLogParquet
)

func (f Format) String() string {
	switch f {
	case FormatCloudTrail:
		return "cloudtrail"
	case FormatCloudTrailDigest:
		return "cloudtrail-digest"
	case FormatFlowLog:
		return "flowlog"
	case FormatGuardDuty:
		return "guardduty"
	case FormatFlowLogParquet:
		return "flowlog-parquet"
	}
	return "unknown"
}

// SniffBytes is how much decompressed content Sniff is given to look at.
const SniffBytes = 64 << 10

// Decoder reads every record of one decompressed object into sink. Records
// whose Index is below skip are read but not passed on: that is how an
// interrupted object resumes. A decoder returns an error only when the
// reader fails (a truncated gzip stream, say) or the sink returns one;
// a record it cannot read goes to sink.Bad and decoding goes on.
type Decoder func(r io.Reader, skip int64, sink Sink) error

// DecoderFor returns the decoder of a format.
func DecoderFor(f Format) (Decoder, error) {
	switch f {
	case FormatCloudTrail:
		return DecodeCloudTrail, nil
	case FormatFlowLog:
		return DecodeFlowLog, nil
	case FormatGuardDuty:
		return DecodeGuardDuty, nil
	case FormatFlowLogParquet:
		return DecodeFlowLogParquet, nil
	}
	return nil, fmt.Errorf("no decoder for %s content", f)
}

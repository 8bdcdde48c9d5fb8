package ingest

// Limits that keep hostile input from exhausting memory. A record beyond
// them is bad input, reported and skipped, never an out-of-memory.
const (
	// MaxRecordBytes caps one JSON record or one text line.
	MaxRecordBytes = 8 << 20
	// MaxJSONDepth caps nesting within one record.
	MaxJSONDepth = 256
	// MaxInflatedBytes caps what one gzipped object may expand to.
	MaxInflatedBytes = 8 << 30
)

package ingest

import (
	"fmt"
	"strings"
	"time"
)

// SourceSummary counts what one source gave in a run.
type SourceSummary struct {
	Source string `json:"source"`
	// Error is set when the source could not be read at all.
	Error          string   `json:"error,omitempty"`
	FilesRead      int64    `json:"files_read"`
	FilesUnchanged int64    `json:"files_unchanged"`
	RecordsRead    int64    `json:"records_read"`
	Ingested       Ingested `json:"ingested"`
	// Skipped counts records read but not added: CloudTrail events another
	// object already delivered, flow NODATA/SKIPDATA rows, digest files.
	Skipped  int64          `json:"records_skipped"`
	Bad      int64          `json:"records_bad"`
	Problems []ProblemEntry `json:"problems,omitempty"`
	Notices  []string       `json:"notices,omitempty"`
}

// Ingested counts records added to the graph, by kind.
type Ingested struct {
	CloudTrailEvents int64 `json:"cloudtrail_events"`
	FlowRecords      int64 `json:"flow_records"`
	Findings         int64 `json:"findings"`
}

// ProblemEntry is one bad record, as reported to the user.
type ProblemEntry struct {
	Object string `json:"object"`
	Line   int64  `json:"line,omitempty"`
	Record int64  `json:"record"`
	Reason string `json:"reason"`
}

func (p ProblemEntry) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Object, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s: record %d: %s", p.Object, p.Record, p.Reason)
}

// maxProblemsKept bounds the problems a summary lists; all are counted
// and all are in the database (`gumshoe ingest --problems`).
const maxProblemsKept = 100

// Summary is a run's machine-readable result (`gumshoe ingest --json`).
type Summary struct {
	Sources []SourceSummary `json:"sources"`
	Total   SourceSummary   `json:"total"`
	Seconds float64         `json:"elapsed_seconds"`
}

func (s *Summary) total() {
	t := SourceSummary{Source: "total"}
	for _, src := range s.Sources {
		t.FilesRead += src.FilesRead
		t.FilesUnchanged += src.FilesUnchanged
		t.RecordsRead += src.RecordsRead
		t.Ingested.CloudTrailEvents += src.Ingested.CloudTrailEvents
		t.Ingested.FlowRecords += src.Ingested.FlowRecords
		t.Ingested.Findings += src.Ingested.Findings
		t.Skipped += src.Skipped
		t.Bad += src.Bad
	}
	s.Total = t
}

// Line is a one-line human summary of a source.
func (s SourceSummary) Line() string {
	if s.Error != "" {
		return fmt.Sprintf("%s: error: %s", s.Source, s.Error)
	}
	parts := []string{
		fmt.Sprintf("%d files read", s.FilesRead),
		fmt.Sprintf("%d unchanged", s.FilesUnchanged),
		fmt.Sprintf("%d records", s.RecordsRead),
		fmt.Sprintf("%d CloudTrail events", s.Ingested.CloudTrailEvents),
		fmt.Sprintf("%d flow records", s.Ingested.FlowRecords),
		fmt.Sprintf("%d findings", s.Ingested.Findings),
		fmt.Sprintf("%d skipped", s.Skipped),
		fmt.Sprintf("%d bad", s.Bad),
	}
	return s.Source + ": " + strings.Join(parts, ", ")
}

// Progress is the state of a running ingest, for a status line.
type Progress struct {
	Files      int64
	Records    int64
	Bad        int64
	PerSecond  float64
	LastObject string
	Elapsed    time.Duration
	// Idle is set when a following ingest has caught up and waits.
	Idle bool
}

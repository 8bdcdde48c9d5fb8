package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// benchReport is what gumshoe bench measured.
type benchReport struct {
	Machine     string           `json:"machine"`
	Runs        int              `json:"runs"`
	Ingest      []ingestResult   `json:"ingest,omitempty"`
	Peers       []peerResult     `json:"peers,omitempty"`
	Freshness   *freshnessResult `json:"freshness,omitempty"`
	Graph       string           `json:"graph,omitempty"`
	Queries     []latencyResult  `json:"queries,omitempty"`
	Console     []latencyResult  `json:"console,omitempty"`
	LoadAverage string           `json:"load_average"`
}

// ingestResult is one data set through gumshoe ingest, RUNS times.
type ingestResult struct {
	Name       string    `json:"name"`
	Unit       string    `json:"unit"` // what a record is: events, flow records
	Records    int64     `json:"records"`
	InputBytes int64     `json:"input_bytes"` // gzipped
	Seconds    []float64 `json:"seconds"`
	// Median is the median wall time; PerSecond is Records over it.
	Median       float64 `json:"median_seconds"`
	PerSecond    float64 `json:"per_second"`
	Target       float64 `json:"target_per_second"`
	PeakRSS      int64   `json:"peak_rss_bytes"` // the largest of the runs
	DBBytes      int64   `json:"db_bytes"`
	DBPerMillion int64   `json:"db_bytes_per_million"`
}

// peerResult is another tool answering a question over the same files.
type peerResult struct {
	Name    string    `json:"name"`
	Task    string    `json:"task"`
	Seconds []float64 `json:"seconds,omitempty"`
	Median  float64   `json:"median_seconds,omitempty"`
	// Ratio is the peer's median over gumshoe's median ingest of the
	// same files: above 1, gumshoe built the whole graph faster than the
	// peer answered its one question.
	Ratio   float64 `json:"ratio_to_gumshoe_ingest,omitempty"`
	Skipped string  `json:"skipped,omitempty"`
}

// latencyResult is one query or key's latency distribution.
type latencyResult struct {
	Name    string  `json:"name"`
	Samples int     `json:"samples"`
	P50     float64 `json:"p50_ms"`
	P95     float64 `json:"p95_ms"`
	Max     float64 `json:"max_ms"`
	Target  float64 `json:"target_p95_ms"`
}

func (l latencyResult) met() bool { return l.P95 <= l.Target }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

func (r *benchReport) print(w io.Writer) {
	fmt.Fprintf(w, "gumshoe bench — %s, %d runs per ingest and peer measurement (medians)\n", r.Machine, r.Runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(r.Ingest) > 0 {
		fmt.Fprintln(w, "\ningest (gzipped files to committed graph, gumshoe ingest on a fresh database)")
		fmt.Fprintln(tw, "set\trecords\tmedian s\trecords/s\ttarget\t\tpeak RSS\tdb/M records\tdb/gz input\t")
		for _, in := range r.Ingest {
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.0f\t%s\t%s\t%s\t%.2f×\t\n", in.Name, in.Records, in.Median, in.PerSecond,
				in.Target, verdict(in.PerSecond >= in.Target), humanBytes(in.PeakRSS), humanBytes(in.DBPerMillion),
				float64(in.DBBytes)/float64(max(in.InputBytes, 1)))
		}
		tw.Flush()
		fmt.Fprintln(w, "targets: peak RSS ≤ 1 GiB, database ≤ 0.5× the gzipped input")
	}
	if len(r.Peers) > 0 {
		fmt.Fprintf(w, "\npeers on the same CloudTrail files: %s\n", r.Peers[0].Task)
		fmt.Fprintln(tw, "peer\tmedian s\tpeer ÷ gumshoe ingest\t")
		var skipped []string
		for _, p := range r.Peers {
			if p.Skipped != "" {
				skipped = append(skipped, fmt.Sprintf("%s skipped: %s", p.Name, p.Skipped))
				continue
			}
			fmt.Fprintf(tw, "%s\t%.2f\t%.1f×\t\n", p.Name, p.Median, p.Ratio)
		}
		tw.Flush()
		for _, s := range skipped {
			fmt.Fprintln(w, s)
		}
		fmt.Fprintln(w, "targets: jq ≥ 10× gumshoe's ingest time; DuckDB's one group-by > gumshoe's whole ingest (ratio > 1)")
	}
	if f := r.Freshness; f != nil {
		fmt.Fprintf(w, "\nfreshness: a landed file visible to the console after median %.2fs, at most %.2fs (%d files; target ≤ %.0fs: %s)\n",
			f.Median, f.Max, len(f.Seconds), f.Target, verdict(f.Max <= f.Target))
	}
	for _, sec := range []struct {
		title string
		lines []latencyResult
	}{{"queries on " + r.Graph, r.Queries}, {"console on " + r.Graph, r.Console}} {
		if len(sec.lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", sec.title)
		fmt.Fprintln(tw, "query\tsamples\tp50 ms\tp95 ms\tmax ms\ttarget p95\t\t")
		met := 0
		for _, l := range sec.lines {
			if l.met() {
				met++
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t%s\t\n", l.Name, l.Samples, l.P50, l.P95, l.Max, l.Target, verdict(l.met()))
		}
		tw.Flush()
		fmt.Fprintf(w, "%d of %d lines meet their target\n", met, len(sec.lines))
	}
	fmt.Fprintf(w, "\nload average at the end: %s\n", r.LoadAverage)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// machineLine says what the figures were measured on.
func machineLine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s/%s, %s, %s", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH,
		runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}

// loadAverage is /proc/loadavg's first three fields: figures taken on a
// busy machine say so.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

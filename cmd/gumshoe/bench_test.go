package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchReports runs every section of gumshoe bench at a tiny scale:
// each prints its measurements, peers that are not installed are
// reported as skipped with how to install them, and the JSON report
// holds what the text shows.
func TestBenchReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds data sets and a graph")
	}
	work := t.TempDir()
	args := []string{"bench", "--work", work, "--graph", "tiny", "--runs", "2", "--events", "3000", "--flows", "20000",
		"--samples", "4", "--budget", "1ms", "--duckdb", "no-such-duckdb-peer", "--cpuprofile-dir", filepath.Join(work, "prof")}
	cmd := exec.Command(binary, append(args, "--json")...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var rep benchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rep.Ingest) != 2 || rep.Ingest[0].Records != 3000 || rep.Ingest[1].Records < 20000 {
		t.Fatalf("ingest: %+v", rep.Ingest)
	}
	for _, in := range rep.Ingest {
		if len(in.Seconds) != 2 || in.PerSecond <= 0 || in.PeakRSS <= 0 || in.DBBytes <= 0 || in.InputBytes <= 0 {
			t.Errorf("ingest %s: %+v", in.Name, in)
		}
	}
	if fi, err := os.Stat(filepath.Join(work, "prof", "ingest-flows-2.pprof")); err != nil || fi.Size() == 0 {
		t.Errorf("CPU profile of the second flows run: %v", err)
	}
	peers := map[string]peerResult{}
	for _, p := range rep.Peers {
		peers[p.Name] = p
	}
	if d := peers["duckdb"]; !strings.Contains(d.Skipped, "bench/duckdb") {
		t.Errorf("a missing DuckDB peer: %+v", d)
	}
	if j, ok := peers["jq"]; !ok || (j.Skipped == "" && (j.Ratio <= 0 || len(j.Seconds) != 2)) {
		t.Errorf("jq: %+v", j)
	}
	names := map[string]latencyResult{}
	for _, l := range append(rep.Queries, rep.Console...) {
		names[l.Name] = l
		if l.Samples == 0 || l.P95 < l.P50 || l.Target <= 0 {
			t.Errorf("%s: %+v", l.Name, l)
		}
	}
	for _, want := range []string{"search/cidr", "summary/24h", "finding/open", "role/open", "role/api_volume/365d",
		"ip/flow_details/30d", "instance/flow_volume/1h", "findings_list/jk/120x40", "open_finding/200x60"} {
		if _, ok := names[want]; !ok {
			t.Errorf("no %s line", want)
		}
	}
	if f := rep.Freshness; f == nil || len(f.Seconds) != 5 || f.Max <= 0 {
		t.Errorf("freshness: %+v", f)
	}
	if !strings.Contains(rep.Graph, "tiny graph: 3 accounts, 4 days") {
		t.Errorf("graph: %s", rep.Graph)
	}

	// The text report, from the cached sets and graph.
	text, err := exec.Command(binary, append(args, "--only", "queries")...).Output()
	if err != nil {
		t.Fatalf("bench --only queries: %v", err)
	}
	for _, want := range []string{"queries on tiny graph", "role/api_volume/365d", "lines meet their target", "load average"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text report has no %q:\n%s", want, text)
		}
	}
}

package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
)

// TestGenWritesAWSLayouts: gumshoe gen writes CloudTrail, flow log and
// GuardDuty objects under AWS's key layouts, GeoIP databases that place
// its addresses, and the same bytes for the same seed; a graph ingested
// from it has what was written.
func TestGenWritesAWSLayouts(t *testing.T) {
	dirs := [2]string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	args := []string{"gen", "--size", "tiny", "--accounts", "3", "--days", "3", "--events-per-day", "900", "--flows", "9000", "--json"}
	var written [2]struct {
		Written synth.Written `json:"written"`
	}
	for i, dir := range dirs {
		out, err := exec.Command(binary, append(args, "--out", dir)...).Output()
		if err != nil {
			t.Fatalf("gen: %v", err)
		}
		if err := json.Unmarshal(out, &written[i]); err != nil {
			t.Fatalf("gen --json: %v\n%s", err, out)
		}
	}
	w := written[0].Written
	// Findings bring their own calls and flows on top of the budget.
	if w.Events < 2700 || w.Events > 2800 || w.Flows < 9000 || w.Flows > 9500 || w.Findings == 0 || w.Objects == 0 {
		t.Errorf("written: %+v; want 2,700 events (900 a day for 3 days) and 9,000 flow records (and a few more), findings", w)
	}
	layouts := map[string]*regexp.Regexp{
		"cloudtrail": regexp.MustCompile(`^trail/AWSLogs/\d{12}/CloudTrail/[a-z]{2}-[a-z]+-\d/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail_[a-z]{2}-[a-z]+-\d_\d{8}T\d{4}Z_\w+\.json\.gz$`),
		"flows":      regexp.MustCompile(`^flows/AWSLogs/\d{12}/vpcflowlogs/[a-z]{2}-[a-z]+-\d/\d{4}/\d{2}/\d{2}/\d{12}_vpcflowlogs_.*\.log\.gz$`),
		"guardduty":  regexp.MustCompile(`^guardduty/AWSLogs/\d{12}/GuardDuty/[a-z]{2}-[a-z]+-\d/\d{4}/\d{2}/\d{2}/\w+\.jsonl\.gz$`),
	}
	seen := map[string]int{}
	sums := [2]map[string][32]byte{{}, {}}
	for i, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			kind := ""
			for k, re := range layouts {
				if re.MatchString(rel) {
					kind = k
				}
			}
			if kind == "" {
				t.Errorf("%s: not in an AWS layout", rel)
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.HasSuffix(rel, ".gz") {
				b = gunzip(t, b)
			}
			if i == 0 {
				seen[kind]++
				if kind == "flows" && !bytes.HasPrefix(b, []byte("version account-id interface-id")) {
					t.Errorf("%s: no header line: %.60q", rel, b)
				}
			}
			sums[i][rel] = sha256.Sum256(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for k := range layouts {
		if seen[k] == 0 {
			t.Errorf("no %s objects", k)
		}
	}
	for _, f := range []string{"demo-city.mmdb", "demo-asn.mmdb"} {
		if _, err := os.Stat(filepath.Join(dirs[0]+".geoip", f)); err != nil {
			t.Errorf("GeoIP beside the logs: %v", err)
		}
	}
	if len(sums[0]) != len(sums[1]) {
		t.Errorf("same seed, %d and %d files", len(sums[0]), len(sums[1]))
	}
	for rel, s := range sums[0] {
		if sums[1][rel] != s {
			t.Errorf("same seed, %s differs (or is missing)", rel)
		}
	}

	db := filepath.Join(t.TempDir(), "g.db")
	out, err := exec.Command(binary, "ingest", "--db", db, "--json", dirs[0]).Output()
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	var sum struct {
		Total struct {
			Bad      int64 `json:"records_bad"`
			Ingested struct {
				Events int64 `json:"cloudtrail_events"`
				Flows  int64 `json:"flow_records"`
			} `json:"ingested"`
		} `json:"total"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Total.Bad != 0 || sum.Total.Ingested.Events != int64(w.Events) || sum.Total.Ingested.Flows != int64(w.Flows) {
		t.Errorf("ingested %+v; wrote %+v", sum.Total, w)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGenRefuses: gen writes only into a new or empty folder and names
// its presets when given a wrong one.
func TestGenRefuses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("x"), 0o644)
	out, err := exec.Command(binary, "gen", "--out", dir, "--size", "tiny").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "is not empty") {
		t.Errorf("non-empty folder: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "gen", "--out", filepath.Join(dir, "new"), "--size", "galactic").CombinedOutput()
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "year") {
		t.Errorf("unknown size: %v\n%s", err, out)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// TestIngestGuardDuty runs `gumshoe ingest guardduty://` as a user would,
// against a GuardDuty endpoint on loopback that answers from the
// recorded-style responses of ingest/testdata/guardduty_api, then reads
// the findings back with `gumshoe query findings`.
func TestIngestGuardDuty(t *testing.T) {
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "ingest", "testdata", "guardduty_api", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var all struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(fixture("getfindings_us-east-1.json"), &all); err != nil {
		t.Fatal(err)
	}
	byID := map[string]json.RawMessage{}
	var ids []string
	for _, f := range all.Findings {
		var head struct{ ID string }
		json.Unmarshal(f, &head)
		byID[head.ID] = f
		ids = append(ids, head.ID)
	}
	const detector = "8cc5a4e1b2d3f4a5b6c7d8e9f0a1b2c3"
	var mu sync.Mutex
	var criteria []bool // whether each ListFindings asked for updates since a time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch p := r.URL.Path; {
		case p == "/detector":
			io.WriteString(w, `{"detectorIds":["`+detector+`"]}`)
		case p == "/detector/"+detector+"/administrator":
			w.Write(fixture("getadministrator_none.json"))
		case p == "/detector/"+detector+"/member":
			w.Write(fixture("listmembers_none.json"))
		case p == "/detector/"+detector+"/findings":
			mu.Lock()
			criteria = append(criteria, bytes.Contains(body, []byte(`"greaterThanOrEqual"`)))
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"findingIds": ids})
		case p == "/detector/"+detector+"/findings/get":
			var in struct {
				FindingIDs []string `json:"findingIds"`
			}
			json.Unmarshal(body, &in)
			out := []json.RawMessage{}
			for _, id := range in.FindingIDs {
				out = append(out, byID[id])
			}
			json.NewEncoder(w).Encode(map[string]any{"findings": out})
		default: // STS and the rest: not here
			w.Header().Set("X-Amzn-ErrorType", "UnknownOperationException")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"not found"}`)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIATESTEXAMPLE00001", "AWS_SECRET_ACCESS_KEY=s",
			"AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE=", "AWS_CONFIG_FILE="+filepath.Join(dir, "none"),
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"), "GUMSHOE_CONFIG=", "HOME="+dir)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return errOut.String(), err
		}
		return out.String(), nil
	}
	ingestOnce := func() ingest.Summary {
		t.Helper()
		out, err := run("ingest", "--db", db, "--json", "--endpoint-url", srv.URL, "--region", "us-east-1", "guardduty://")
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		var sum ingest.Summary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return sum
	}
	if sum := ingestOnce(); sum.Total.Ingested.Findings != 5 || sum.Sources[0].Source != "guardduty://" || sum.Sources[0].Error != "" {
		t.Errorf("first ingest: %+v", sum)
	}
	if sum := ingestOnce(); sum.Total.Ingested.Findings != 0 || sum.Total.FilesRead != 0 {
		t.Errorf("second ingest counted again: %+v", sum)
	}
	if len(criteria) != 2 || criteria[0] || !criteria[1] {
		t.Errorf("ListFindings asked since a watermark: %v, want first no, then yes", criteria)
	}
	out, err := run("query", "--db", db, "findings")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var listed []store.ListedFinding
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	archived := 0
	for _, f := range listed {
		if f.Source != "guardduty-api" || len(f.Origins) != 1 || f.Origins[0].Detector != detector ||
			f.Origins[0].Region != "us-east-1" || f.Origins[0].Role != store.RoleStandalone {
			t.Errorf("finding %s: %+v", f.ID, f)
		}
		if f.Archived {
			archived++
		}
	}
	if len(listed) != 5 || archived != 1 || !strings.Contains(out, `"archived": true`) {
		t.Errorf("%d findings, %d archived:\n%s", len(listed), archived, out)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// jqCountByPrincipal counts events by caller, the question a responder
// without a graph asks first; it prints the totals so that the run can
// be checked against the set.
const jqCountByPrincipal = `reduce (inputs | .Records[] | (.userIdentity.arn // .userIdentity.principalId // "?")) as $p ({}; .[$p] += 1)
| {events: ([.[]] | add), principals: length}`

// runPeers times jq and DuckDB over the CloudTrail set, RUNS times each.
func runPeers(ctx context.Context, cfg *benchConfig, dir string, ours ingestResult) []peerResult {
	task := fmt.Sprintf("count %d events by principal", ours.Records)
	peers := []struct {
		name    string
		missing string
		run     func() (int64, error)
	}{
		{"jq", "jq is not installed (apt-get install jq)", func() (int64, error) { return runJQ(ctx, dir) }},
		{"duckdb", cfg.duckdb + " not found (cd bench/duckdb && go build -o $(go env GOPATH)/bin/gumshoe-duckdb-peer .)",
			func() (int64, error) { return runDuckDB(ctx, cfg.duckdb, dir) }},
	}
	var out []peerResult
	for _, p := range peers {
		res := peerResult{Name: p.name, Task: task}
		bin := map[string]string{"jq": "jq", "duckdb": cfg.duckdb}[p.name]
		if _, err := exec.LookPath(bin); err != nil {
			res.Skipped = p.missing
			out = append(out, res)
			continue
		}
		for i := 0; i < cfg.runs; i++ {
			began := time.Now()
			n, err := p.run()
			took := time.Since(began).Seconds()
			if err == nil && n != ours.Records {
				err = fmt.Errorf("counted %d events, gumshoe ingested %d", n, ours.Records)
			}
			if err != nil {
				res.Skipped = err.Error()
				break
			}
			res.Seconds = append(res.Seconds, took)
			fmt.Fprintf(cfg.log, "bench: %s run %d: %.2fs\n", p.name, i+1, took)
		}
		if res.Skipped == "" {
			res.Median = median(res.Seconds)
			res.Ratio = res.Median / ours.Median
		}
		out = append(out, res)
	}
	return out
}

// runJQ pipes the set's decompressed objects into one jq, as
// `zcat **/*.json.gz | jq -n ...` would.
func runJQ(ctx context.Context, dir string) (int64, error) {
	files, err := gzFiles(dir, ".json.gz")
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "jq", "-n", "-c", jqCountByPrincipal)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	feedErr := make(chan error, 1)
	go func() {
		feedErr <- catGzip(stdin, files)
		stdin.Close()
	}()
	waitErr := cmd.Wait()
	if err := <-feedErr; err != nil && waitErr == nil {
		return 0, err
	}
	if waitErr != nil {
		return 0, fmt.Errorf("jq: %v: %s", waitErr, bytes.TrimSpace(errOut.Bytes()))
	}
	return countFrom(out.Bytes())
}

// runDuckDB runs the peer program of bench/duckdb on the folder.
func runDuckDB(ctx context.Context, bin, dir string) (int64, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, dir)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %v: %s", bin, err, bytes.TrimSpace(errOut.Bytes()))
	}
	return countFrom(out.Bytes())
}

func countFrom(b []byte) (int64, error) {
	var r struct {
		Events int64 `json:"events"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return 0, fmt.Errorf("peer output %q: %v", strings.TrimSpace(string(b)), err)
	}
	return r.Events, nil
}

func gzFiles(dir, suffix string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, suffix) {
			files = append(files, path)
		}
		return err
	})
	return files, err
}

func catGzip(w io.Writer, files []string) error {
	for _, f := range files {
		if err := catOne(w, f); err != nil {
			return err
		}
	}
	return nil
}

func catOne(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, err = io.Copy(w, zr)
	return err
}

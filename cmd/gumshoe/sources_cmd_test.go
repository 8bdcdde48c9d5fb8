package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testFlowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

// testFlow is one accepted flow record starting at unix time start.
func testFlow(port int, start int64) string {
	return fmt.Sprintf("2 123456789012 eni-0a1 172.16.0.7 198.51.100.9 443 %d 6 10 1000 %d %d ACCEPT OK\n", port, start, start+60)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runGumshoe runs a command in this process and fails the test unless it
// exits 0.
func runGumshoe(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("gumshoe %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String()
}

// listSources runs gumshoe sources with a fixed clock.
func listSources(t *testing.T, now time.Time, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	c := &sourcesCommand{stdout: &out, now: func() time.Time { return now }}
	if err := c.Run(context.Background(), args); err != nil {
		t.Fatalf("gumshoe sources %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

func sourcesJSON(t *testing.T, now time.Time, args ...string) map[string]sourceRow {
	t.Helper()
	var rows []sourceRow
	text := listSources(t, now, append(args, "--json")...)
	if err := json.Unmarshal([]byte(text), &rows); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	out := map[string]sourceRow{}
	for _, r := range rows {
		out[r.Source] = r
	}
	return out
}

// TestSourcesCommand builds a graph from a configured folder with a bad
// file and a configured folder that a following ingest watches, plus a
// folder given on the command line, and checks what gumshoe sources says
// of each.
func TestSourcesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a following ingest")
	}
	root := t.TempDir()
	// No ~/.gumshoe/config.toml of the user's reaches the commands.
	t.Setenv("HOME", root)
	t.Setenv("GUMSHOE_DB", "")
	t.Setenv("GUMSHOE_CONFIG", "")
	batch, followed, extra := filepath.Join(root, "batch"), filepath.Join(root, "followed"), filepath.Join(root, "extra")
	for _, d := range []string{batch, followed, extra} {
		os.Mkdir(d, 0o755)
	}
	const hour0 = int64(1790002800) // 2026-09-21 15:00 UTC
	writeFile(t, filepath.Join(batch, "a-good.log"), testFlowHeader+testFlow(50001, hour0)+testFlow(50002, hour0))
	// A bad record in a file whose name carries a terminal escape.
	evil := filepath.Join(batch, "b-\x1b[2Jevil.log")
	writeFile(t, evil, testFlowHeader+testFlow(50003, hour0)+"not a flow record \x1b]0;pwned\x07\n")
	writeFile(t, filepath.Join(followed, "first.log"), testFlowHeader+testFlow(50004, hour0))
	writeFile(t, filepath.Join(extra, "x.log"), testFlowHeader+testFlow(50005, hour0))
	db := filepath.Join(root, "graph.db")
	cfg := filepath.Join(root, "config.toml")
	writeFile(t, cfg, fmt.Sprintf("db = %q\npoll_interval = \"50ms\"\n\n[[source]]\nuri = \"batch\"\n\n[[source]]\nuri = \"followed\"\n", db))

	runGumshoe(t, "ingest", "--config", cfg, "--json")
	runGumshoe(t, "ingest", "--db", db, extra)

	// A following ingest of the configured sources picks up a new file,
	// and a listing error when the batch folder goes away.
	follower := exec.Command(binary, "ingest", "--config", cfg, "--follow")
	var followerOut bytes.Buffer
	follower.Stdout, follower.Stderr = &followerOut, &followerOut
	if err := follower.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			follower.Process.Signal(syscall.SIGINT)
			follower.Wait()
		}
	}
	defer stop()
	writeFile(t, filepath.Join(followed, "second.log"), testFlowHeader+testFlow(50006, hour0+7200)+testFlow(50007, hour0+7200))
	waitForSources(t, cfg, "the new file", func(rows map[string]sourceRow) bool {
		return strings.HasSuffix(rows[followed].LastObject, "second.log")
	})
	if err := os.RemoveAll(batch); err != nil {
		t.Fatal(err)
	}
	waitForSources(t, cfg, "the listing error", func(rows map[string]sourceRow) bool {
		return rows[batch].LastError != ""
	})
	stop()
	if followerOut.Len() > 0 && !strings.Contains(followerOut.String(), "files read") {
		t.Logf("follower said:\n%s", followerOut.String())
	}

	now := time.Unix(hour0+3*3600+30*60, 0) // 18:30, the newest data is from 17:00
	rows := sourcesJSON(t, now, "--config", cfg)
	b, f, x := rows[batch], rows[followed], rows[extra]
	if !b.Configured || b.Kind != "path" || b.Objects != 2 || b.Records != 4 || b.Bad != 1 {
		t.Errorf("batch folder: %+v", b)
	}
	if !strings.Contains(b.LastError, "no such file") || b.LastErrorAt.Before(b.LastSuccess) {
		t.Errorf("batch folder's listing error: %q at %s, last success %s", b.LastError, b.LastErrorAt, b.LastSuccess)
	}
	if b.LastBad == nil || b.LastBad.Line != 3 || !strings.Contains(b.LastBad.Object, "evil.log") {
		t.Errorf("batch folder's last bad record: %+v", b.LastBad)
	}
	if !f.Configured || f.Kind != "folder" || f.Objects != 2 || f.Records != 3 || f.Bad != 0 || f.LastError != "" {
		t.Errorf("followed folder: %+v", f)
	}
	if f.DataLagSeconds == nil || *f.DataLagSeconds != 3600+30*60 {
		t.Errorf("followed folder's data lag: %v, want 1h30m from the 17:00 hour", f.DataLagSeconds)
	}
	if f.PollLagSeconds == nil || f.LastSuccess.IsZero() {
		t.Errorf("followed folder's last successful poll: %+v", f)
	}
	if x.Configured || x.Objects != 1 || x.Records != 1 {
		t.Errorf("command-line folder: %+v", x)
	}

	text := listSources(t, now, "--config", cfg)
	if strings.ContainsAny(text, "\x1b\x07") {
		t.Errorf("control characters reached the output:\n%q", text)
	}
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "KIND") || !strings.Contains(lines[1], batch) || !strings.Contains(lines[2], followed) ||
		!strings.Contains(lines[3], extra) {
		t.Fatalf("rows are not configured first, in the file's order, then the others:\n%s", text)
	}
	for _, want := range []struct{ line, text string }{
		{lines[1], "failing"}, {lines[2], "second.log"}, {lines[2], "1h30m"}, {lines[2], " ok"},
		{lines[3], "ok, not configured"},
	} {
		if !strings.Contains(want.line, want.text) {
			t.Errorf("%q lacks %q", want.line, want.text)
		}
	}
	for _, want := range []string{"last error", "no such file", "last bad     " + batch + "/b-", "evil.log:3:",
		"newest data  the hour from 2026-09-21 17:00:00 (1h30m ago)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}

	// Without a configuration, only what the graph has seen is listed.
	rows = sourcesJSON(t, now, "--db", db, "--config", writeConfig(t, ""))
	if len(rows) != 3 || rows[followed].Configured {
		t.Errorf("without configured sources: %+v", rows)
	}
}

// waitForSources polls gumshoe sources (a reader beside the running
// writer) until ok holds.
func waitForSources(t *testing.T, cfg, what string, ok func(map[string]sourceRow) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rows := sourcesJSON(t, time.Now(), "--config", cfg)
		if ok(rows) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gumshoe sources never showed %s: %+v", what, rows)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

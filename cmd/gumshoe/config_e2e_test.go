package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleFollowsConfiguredSources runs `gumshoe tui` with a config
// file and no SOURCE: its ingest goroutine follows the configured folder,
// and a GuardDuty finding dropped there reaches the status bar and the
// findings list.
func TestConsoleFollowsConfiguredSources(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: runs the console")
	}
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o755)
	writeFile(t, filepath.Join(logs, "flows.log"), testFlowHeader+testFlow(50001, 1709683800)) // 2024-03-06 00:10, an hour before the finding
	cfg := filepath.Join(dir, "gumshoe.toml")
	writeFile(t, cfg, fmt.Sprintf("db = %q\npoll_interval = \"100ms\"\n\n[[source]]\nuri = \"logs\"\n", filepath.Join(dir, "graph.db")))
	term := startTmux(t, 140, 40, dir, "env", "GUMSHOE_DB=", "GUMSHOE_CONFIG=", "NO_COLOR=1", binary, "tui", "--config", cfg)
	term.waitUntil("the ingest of the first file", stepTimeout, func(s string) bool {
		return strings.Contains(statusBar(s), "ingest following: 1 files")
	})

	finding, err := os.ReadFile("../../testdata/ingest/guardduty/array.json")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(logs, "findings.json"), string(finding))
	term.waitUntil("the dropped file in the status bar", stepTimeout, func(s string) bool {
		return strings.Contains(statusBar(s), "ingest following: 2 files") && strings.Contains(statusBar(s), "last findings.json")
	})
	term.waitFor("BucketBlockPublicAccessDisabled")
	term.press("q")
	if status := term.waitExit(); status != "0" {
		t.Errorf("q: the program exited with status %s", status)
	}
	rows := sourcesJSON(t, time.Now(), "--config", cfg)
	if r := rows[logs]; r.Objects != 2 || !strings.HasSuffix(r.LastObject, "findings.json") {
		t.Errorf("gumshoe sources after the console: %+v", r)
	}
}

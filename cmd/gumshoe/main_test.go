package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the gumshoe command built once for tests that run it as a
// user would, in its own process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gumshoe-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gumshoe")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		panic("build gumshoe: " + err.Error())
	}
	// The commands read ~/.gumshoe/config.toml and $GUMSHOE_DB: a
	// developer's own must not reach the tests (after the build, which
	// needs the real home for Go's caches).
	os.Setenv("HOME", dir)
	os.Unsetenv("GUMSHOE_CONFIG")
	os.Unsetenv("GUMSHOE_DB")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestUsageAndExitStatus checks what a user sees with no or a wrong command.
func TestUsageAndExitStatus(t *testing.T) {
	out, err := exec.Command(binary, "help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "gumshoe demo") {
		t.Errorf("help: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "frobnicate").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "query", "--db", filepath.Join(t.TempDir(), "none.db"), "stats").CombinedOutput()
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "none.db") {
		t.Errorf("query on a missing graph: %v\n%s", err, out)
	}
}

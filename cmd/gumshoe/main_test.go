package main

import (
	"os"
	"os/exec"
	"path/filepath"
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
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

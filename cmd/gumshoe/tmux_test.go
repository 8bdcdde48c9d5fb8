package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tmuxTerm is a real terminal for end-to-end tests: one detached tmux
// session of a fixed size, on a tmux server of its own (its own socket and
// an empty configuration), so neither the user's tmux nor their
// ~/.tmux.conf is touched. Keys go in with send-keys; the screen comes
// back with capture-pane.
type tmuxTerm struct {
	t      *testing.T
	socket string
	target string
	pid    int    // the program's
	server int    // the tmux server's
	screen string // the last screen a wait returned
}

// stepTimeout bounds one step of a walkthrough.
const stepTimeout = 20 * time.Second

// pollEvery is how often a wait reads the screen again.
const pollEvery = 50 * time.Millisecond

// startTmux runs argv in a new width×height tmux session, in dir. The
// test is skipped where tmux is not installed. The pane stays after the
// program exits (remain-on-exit), so its exit status can be read; the
// server is killed, and the program with it, when the test ends.
func startTmux(t *testing.T, width, height int, dir string, argv ...string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	// Not t.TempDir: a socket's path must stay under ~100 bytes.
	tmp, err := os.MkdirTemp("", "gumshoe-tmux-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	conf := filepath.Join(tmp, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g status off\nset -g escape-time 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := &tmuxTerm{t: t, socket: filepath.Join(tmp, "tmux.sock"), target: "gumshoe-e2e"}
	args := append([]string{"-f", conf, "new-session", "-d", "-s", term.target, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height),
		"-c", dir, "-P", "-F", "#{pane_pid} #{pid}"}, argv...)
	out, err := term.command(args...)
	if err != nil {
		t.Fatalf("start tmux: %v: %s", err, out)
	}
	if _, err := fmt.Sscan(out, &term.pid, &term.server); err != nil {
		t.Fatalf("tmux gave no pane and server pids: %q", out)
	}
	t.Cleanup(term.kill)
	return term
}

// command runs one tmux command against this test's server.
func (term *tmuxTerm) command(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-S", term.socket}, args...)...)
	// A test run inside tmux must not talk to the user's server.
	cmd.Env = append(os.Environ(), "TMUX=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// kill ends the server and waits for the program to be gone, so the
// temporary folders it used can be removed.
func (term *tmuxTerm) kill() {
	term.command("kill-server")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(term.pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(pollEvery)
	}
	syscall.Kill(term.pid, syscall.SIGKILL)
}

// press sends keys by tmux's names (Enter, Tab, BTab, Escape, Home, C-u)
// or single characters, one send-keys each: Bubble Tea reads runes that
// arrive together as one key, so callers wait for the screen between keys.
func (term *tmuxTerm) press(key string) {
	term.t.Helper()
	if out, err := term.command("send-keys", "-t", term.target, key); err != nil {
		term.t.Fatalf("send-keys %s: %v: %s", key, err, out)
	}
}

// typeText types text literally, as into an open prompt.
func (term *tmuxTerm) typeText(text string) {
	term.t.Helper()
	if out, err := term.command("send-keys", "-t", term.target, "-l", text); err != nil {
		term.t.Fatalf("send-keys -l %q: %v: %s", text, err, out)
	}
}

// capture reads the screen and whether the program has exited, and how:
// its exit status, or "signal N". tmux may mark the pane dead a moment
// before it has reaped the program; status is empty until it has.
func (term *tmuxTerm) capture() (screen string, dead bool, status string) {
	term.t.Helper()
	out, err := term.command("capture-pane", "-p", "-t", term.target, ";",
		"display-message", "-p", "-t", term.target, "#{pane_dead} #{pane_dead_status} #{pane_dead_signal}")
	if err != nil {
		term.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	out = strings.TrimSuffix(out, "\n")
	i := strings.LastIndexByte(out, '\n')
	flags, screen := strings.Split(out[i+1:]+"  ", " "), out[:max(i, 0)]
	status = flags[1]
	if flags[2] != "" {
		status = "signal " + flags[2]
	}
	return screen, flags[0] == "1", status
}

// waitUntil polls the screen until ok holds of it and the status bar
// shows no query in flight, and returns it. It fails the test, showing
// the screen, after stepTimeout or when the program exits.
func (term *tmuxTerm) waitUntil(what string, timeout time.Duration, ok func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		screen, dead, status := term.capture()
		if dead {
			term.t.Fatalf("waiting for %s: the program exited (status %s):\n%s", what, status, screen)
		}
		if ok(screen) && !strings.Contains(statusBar(screen), "loading") {
			term.screen = screen
			return screen
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("waiting for %s: not on screen after %s:\n%s\n%s", what, timeout, screen, term.dump())
		}
		<-tick.C
	}
}

// waitFor waits until every text is on screen.
func (term *tmuxTerm) waitFor(texts ...string) string {
	term.t.Helper()
	return term.waitUntil(fmt.Sprintf("%q", texts), stepTimeout, func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// waitMatch waits until the screen matches a regular expression.
func (term *tmuxTerm) waitMatch(re string) string {
	term.t.Helper()
	r := regexp.MustCompile(re)
	return term.waitUntil("/"+re+"/", stepTimeout, r.MatchString)
}

// pressAndWait presses a key and waits for the line the table cursor is
// on, or the header, to change: the key was taken.
func (term *tmuxTerm) pressAndWait(key string) string {
	term.t.Helper()
	before := term.screen
	term.press(key)
	return term.waitUntil("the screen to change after "+key, stepTimeout, func(s string) bool { return s != before })
}

// selectRow moves the table cursor down (j) until its row holds text.
func (term *tmuxTerm) selectRow(text string) {
	term.t.Helper()
	for range 50 {
		if strings.Contains(cursorLine(term.screen), text) {
			return
		}
		term.pressAndWait("j")
	}
	term.t.Fatalf("no row with %q:\n%s", text, term.screen)
}

// waitExit waits for the program to exit and returns its exit status.
func (term *tmuxTerm) waitExit() string {
	term.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		screen, dead, status := term.capture()
		if dead && status != "" {
			return status
		}
		// tmux can miss the program's SIGCHLD (while libutempter has its
		// own handler in, tmux/tmux#311) and leave it a zombie, the pane
		// alive, for good. A SIGCHLD of our own makes it reap.
		syscall.Kill(term.server, syscall.SIGCHLD)
		if time.Now().After(deadline) {
			term.t.Fatalf("the program did not exit:\n%s\n%s", screen, term.dump())
		}
		<-tick.C
	}
}

// dump makes a wedged program print its goroutines (SIGQUIT) and returns
// the pane's whole history, for the test log.
func (term *tmuxTerm) dump() string {
	syscall.Kill(term.pid, syscall.SIGQUIT)
	for range 100 {
		if _, dead, _ := term.capture(); dead {
			break
		}
		time.Sleep(pollEvery)
	}
	out, _ := term.command("capture-pane", "-p", "-J", "-S", "-", "-t", term.target)
	return out
}

// cursorLine is the table row under the cursor (marked ▸).
func cursorLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "▸") {
			return l
		}
	}
	return ""
}

// statusBar is the screen's last non-empty line.
func statusBar(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return lines[len(lines)-1]
}

// tableRows are the body lines of the table whose header holds header,
// up to its footer ("showing N of M").
func tableRows(screen, header string) []string {
	var rows []string
	in := false
	for _, l := range strings.Split(screen, "\n") {
		switch {
		case !in && strings.Contains(l, header):
			in = true
		case in && strings.Contains(l, "showing "):
			return rows
		case in && strings.TrimSpace(l) != "":
			rows = append(rows, l)
		}
	}
	return rows
}

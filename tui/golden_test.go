package tui

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
)

// Golden screens of the two reference investigations, drawn by the real
// Bubble Tea program (teatest) on the demo graph at a fixed size.
//
// Regenerate with: go test ./tui -run Golden -update
//
// The console runs with Color false and lipgloss on the Ascii profile,
// which emits no escape sequences at all (not even bold or reverse), so a
// golden file is the plain text of the screen; a screen is still checked
// for exact width×height, and stripped of ANSI in case a style ever
// bypasses the profile. Trailing blanks are trimmed from each line, so the
// files read (and diff) as the screen looks. Nothing on these screens
// reads the wall clock: the scope and "data to" are the graph's time, and
// the spinner only shows while loading, which a screen is never taken in.

func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
}

// shotMsg asks the program for the screen as it is now. It is answered
// inside the program's own loop, so reading the model never races it.
type shotMsg struct{ reply chan shot }

type shot struct {
	view    string
	loading bool
}

// shotModel is the console with one more message: shotMsg.
type shotModel struct{ a *App }

func (m shotModel) Init() tea.Cmd { return m.a.Init() }
func (m shotModel) View() string  { return m.a.View() }

func (m shotModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(shotMsg); ok {
		s.reply <- shot{view: m.a.View(), loading: m.a.ctx.Now.IsZero() || m.a.stack.top().Loading()}
		return m, nil
	}
	_, cmd := m.a.Update(msg)
	return m, cmd
}

// goldenConsole drives the console in a teatest program.
type goldenConsole struct {
	t             *testing.T
	tm            *teatest.TestModel
	width, height int
	screen        string // the last settled screen
}

func startGoldenConsole(t *testing.T, width, height int) *goldenConsole {
	t.Helper()
	a := New(Options{Backend: StoreBackend{Store: demotest.Open(t)}, Color: false, ExportDir: t.TempDir()})
	tm := teatest.NewTestModel(t, shotModel{a}, teatest.WithInitialTermSize(width, height))
	t.Cleanup(func() {
		tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	})
	c := &goldenConsole{t: t, tm: tm, width: width, height: height}
	c.waitFor("showing 6 of 6")
	return c
}

var keyTypes = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace, "ctrl+u": tea.KeyCtrlU,
}

// press sends keys by name ("enter", "tab", …) or as the runes typed.
func (c *goldenConsole) press(keys ...string) {
	for _, k := range keys {
		if kt, ok := keyTypes[k]; ok {
			c.tm.Send(tea.KeyMsg{Type: kt})
		} else {
			c.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// shot reads the screen from inside the program.
func (c *goldenConsole) shot() shot {
	c.t.Helper()
	reply := make(chan shot, 1)
	c.tm.Send(shotMsg{reply: reply})
	select {
	case s := <-reply:
		return s
	case <-time.After(10 * time.Second):
		c.t.Fatal("the program did not answer a screen request in 10 s")
		return shot{}
	}
}

// waitFor waits until the terminal output shows every text and the screen
// has settled (no query in flight) with them on it. Only lines that change
// are redrawn, so the texts must be on lines the last keys changed.
func (c *goldenConsole) waitFor(texts ...string) {
	c.t.Helper()
	teatest.WaitFor(c.t, c.tm.Output(), func(out []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(out, []byte(s)) {
				return false
			}
		}
		sh := c.shot()
		if sh.loading {
			return false
		}
		for _, s := range texts {
			if !strings.Contains(sh.view, s) {
				return false
			}
		}
		c.screen = sh.view
		return true
	}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// cursorLine is the settled screen's selected table row.
func (c *goldenConsole) cursorLine() string {
	for _, l := range strings.Split(c.screen, "\n") {
		if strings.HasPrefix(l, "▸") {
			return l
		}
	}
	return ""
}

// selectRow moves the cursor down until its row holds text.
func (c *goldenConsole) selectRow(text string) {
	c.t.Helper()
	for range 40 {
		if strings.Contains(c.cursorLine(), text) {
			return
		}
		c.press("j")
		sh := c.shot()
		c.screen = sh.view
	}
	c.t.Fatalf("no row with %q:\n%s", text, c.screen)
}

// golden compares the settled screen with testdata/NAME.golden.
func (c *goldenConsole) golden(name string) {
	c.t.Helper()
	lines := strings.Split(ansi.Strip(c.screen), "\n")
	if len(lines) != c.height {
		c.t.Errorf("%s: %d lines, want %d", name, len(lines), c.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != c.width {
			c.t.Errorf("%s: line %d is %d cells, want %d: %q", name, i+1, w, c.width, l)
		}
		lines[i] = strings.TrimRight(l, " ")
	}
	teatest.RequireEqualOutput(goldenName{c.t, name}, []byte(strings.Join(lines, "\n")+"\n"))
}

// goldenName names a golden file (testdata/NAME.golden) apart from the test.
type goldenName struct {
	testing.TB
	name string
}

func (g goldenName) Name() string { return g.name }

func (c *goldenConsole) mustShow(re string) {
	c.t.Helper()
	if !regexp.MustCompile(re).MatchString(c.screen) {
		c.t.Errorf("screen lacks %s:\n%s", re, c.screen)
	}
}

// TestGoldenRoleSession replays the role session walkthrough: from the
// CloudTrailLoggingDisabled finding to sara, her chained DemoRole1
// session, and what it called.
func TestGoldenRoleSession(t *testing.T) {
	c := startGoldenConsole(t, 120, 40)
	c.golden("findings")

	c.press("?")
	c.waitFor("This page", "next sort column", "esc or ? closes this help")
	c.golden("help")
	c.press("esc")
	c.waitFor("[Findings]", "showing 6 of 6")

	// GuardDuty's list, filtered to the finding (Figure 1).
	c.press("f")
	c.waitFor("filter: ", "sev>=7") // the prompt opens in a command: wait, or the letters are hotkeys
	c.tm.Type("type:CloudTrailLoggingDisabled")
	c.press("enter")
	c.waitFor("showing 1 of 6")
	c.press("enter")
	c.waitFor("finding "+demo.TrailFindingType, "(1h)", "Involved entities")
	c.mustShow(`⚠ trail demo-trail-2 stopped logging`)
	c.golden("role_1_finding")

	c.selectRow(demo.SaraAdminSession)
	c.press("enter")
	c.waitFor("session "+demo.SaraAdminSession, "[Overview]", "started by")
	c.mustShow(`started by +sso:sara`)
	c.golden("role_2_session_overview")

	c.press("tab", "d")
	c.waitFor("[API calls]", "Details for scope time by api", "StopLogging", "AssumeRole")
	c.golden("role_3_session_api")

	c.press("tab")
	c.waitFor("[New behavior]", "known place", "Bellevue, WA", "Ashburn, VA")
	c.mustShow(`◆ new 0 `)
	if strings.Contains(c.screen, " geolocation ") {
		t.Errorf("a new geolocation in sara's session:\n%s", c.screen)
	}
	c.golden("role_4_session_new_behavior")

	c.press("tab")
	c.waitFor("[Resource interaction]", "chain: ", demo.SaraDemoSession)
	c.golden("role_5_session_interaction")

	c.selectRow(demo.SaraDemoSession + " (DemoRole1")
	c.press("enter")
	c.waitFor("session "+demo.SaraDemoSession, "[Overview]", "started by")
	c.press("tab", "d")
	c.waitFor("[API calls]", "DescribeInstances", "RunInstances", "AttachRolePolicy")
	c.mustShow(`(?m)AttachRolePolicy +1 +2 *$`)
	c.golden("role_6_demorole_api")
}

// TestGoldenVPCFlow replays the VPC flow walkthrough: from the TorClient
// finding to the instance's flows, sorted and filtered, and the local IP
// with its holder and the SSH brute-force findings.
func TestGoldenVPCFlow(t *testing.T) {
	c := startGoldenConsole(t, 120, 40)
	c.selectRow(demo.TorFindingType)
	c.press("enter")
	c.waitFor("finding "+demo.TorFindingType, "(6h)", "Involved entities")
	c.golden("vpc_1_finding")

	c.selectRow(demo.Instance)
	c.press("enter")
	c.waitFor("instance "+demo.Instance, "[Overview]", "launched by")
	c.press("tab", "d")
	c.waitFor("[VPC flow]", "Details for scope time", "◆")
	c.mustShow(`▸◆ 172\.16\.0\.7 .* 198\.51\.100\.201 `)
	c.golden("vpc_2_flow_details")

	// s walks the sort over the columns: the eighth is "in".
	c.press("s", "s", "s", "s", "s", "s", "s", "s")
	c.waitFor("in ▼")
	c.mustShow(`in ▼ .*\n.* 192\.0\.2\.200 .*\n.* 192\.0\.2\.201 `)
	c.golden("vpc_3_flow_by_inbound")

	c.press("s", "home")
	c.waitFor("out ▼")
	c.mustShow(`out ▼ .*\n▸ .* 172\.16\.0\.21 .* 218\.0 MB `)
	c.golden("vpc_4_flow_by_outbound")

	c.press("f")
	c.waitFor("filter: ", "lport:N")
	c.tm.Type("port:22 dir:outbound")
	c.press("enter")
	c.waitFor("filter: port:22 dir:outbound", "showing 3 of")
	c.golden("vpc_5_flow_port22")

	c.press("o")
	c.waitFor("ip "+demo.InstanceIP, "held by")
	c.mustShow(`held by +` + demo.Instance)
	c.golden("vpc_6_ip_overview")

	c.press("shift+tab")
	c.waitFor("[Findings]", demo.SSHBruteFindingType)
	if n := strings.Count(c.screen, demo.SSHBruteFindingType); n != 2 {
		t.Errorf("%d SSH brute-force findings on %s, want 2", n, demo.InstanceIP)
	}
	c.golden("vpc_7_ip_findings")

	c.press("tab")
	c.waitFor("[Overview]", "held by")
	c.selectRow("held by")
	c.press("enter")
	c.waitFor("instance "+demo.Instance, "launched by")
}

// TestGoldenSmallTerminal is the console at 80×24: the findings list, the
// flow details and the help, which must stay readable on a small terminal.
func TestGoldenSmallTerminal(t *testing.T) {
	c := startGoldenConsole(t, 80, 24)
	c.golden("small_findings")
	c.press("enter")
	c.waitFor("(6h)", "Involved entities")
	c.selectRow(demo.Instance)
	c.press("enter")
	c.waitFor("[Overview]", "launched by")
	c.press("tab", "d")
	c.waitFor("[VPC flow]", "Details for scope time")
	c.golden("small_vpc_flow_details")

	// The help of a page with many keys still fits, close hint included.
	c.press("?")
	c.waitFor("This page", "Other", "esc or ? closes this help")
	c.golden("small_help")
}

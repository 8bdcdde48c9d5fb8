package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
)

// TestE2EWalkthroughs replays both investigations of shared/reference/
// keyboard-only through the real binary in a real terminal: `gumshoe
// demo` builds its graph and, its stdout being a terminal, opens the
// console. Every step waits for what the walkthrough shows.
func TestE2EWalkthroughs(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: builds the demo graph")
	}
	dir := t.TempDir()
	term := startTmux(t, 120, 40, dir, binary, "demo", "--db", filepath.Join(dir, "demo.db"))
	start := time.Now()
	// The demo writes and ingests its logs first.
	term.waitUntil("the findings list", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "[Findings]") && strings.Contains(s, "showing 6 of 6")
	})
	t.Logf("demo graph built and console open in %s", time.Since(start).Round(100*time.Millisecond))
	for _, typ := range []string{demo.TrailFindingType, demo.TorFindingType, demo.SSHBruteFindingType, demo.PortUnusualFindingType} {
		if !strings.Contains(term.screen, typ) {
			t.Errorf("findings list lacks %s", typ)
		}
	}
	// The second walkthrough starts where the first ends: skip it, and
	// the quit, when the first fails.
	for _, step := range []struct {
		name   string
		replay func(*testing.T, *tmuxTerm)
	}{{"RoleSession", replayRoleSession}, {"VPCFlow", replayVPCFlow}} {
		ok := t.Run(step.name, func(t *testing.T) {
			term.t = t
			step.replay(t, term)
		})
		term.t = t
		if !ok {
			return
		}
	}

	term.press("q")
	if status := term.waitExit(); status != "0" {
		t.Errorf("q: the program exited with status %s", status)
	}
	t.Logf("both walkthroughs in %s", time.Since(start).Round(100*time.Millisecond))
}

// replayRoleSession is "Investigate a role session": who stopped
// CloudTrail, was it her usual behaviour, and what she did after, in a
// chained role.
func replayRoleSession(t *testing.T, term *tmuxTerm) {
	// GuardDuty's list, filtered to the finding (Figure 1). The prompt
	// opens a moment after f: type only once it shows.
	term.press("f")
	term.waitFor("filter: ", "sev>=7")
	term.typeText("type:CloudTrailLoggingDisabled")
	term.press("Enter")
	term.waitFor("showing 1 of 6")
	if !strings.Contains(cursorLine(term.screen), demo.TrailFindingType) {
		t.Fatalf("the filter did not select the finding:\n%s", term.screen)
	}

	// The finding's profile: scope time is the finding's hour, and the
	// coverage warning says the trail stopped.
	term.press("Enter")
	s := term.waitFor("finding "+demo.TrailFindingType, "Involved entities")
	if want := "scope 2026-10-14 17:00 → 10-14 18:00 (1h)"; !strings.Contains(s, want) {
		t.Errorf("the finding's scope is not its hour: want %q in\n%s", want, s)
	}
	if !strings.Contains(s, "⚠ trail "+demo.AccountTrailName+" stopped logging (StopLogging)") {
		t.Errorf("no coverage warning that %s stopped logging:\n%s", demo.AccountTrailName, s)
	}

	// The actor session: started by sso:sara.
	term.selectRow(demo.SaraAdminSession)
	term.press("Enter")
	s = term.waitFor("session "+demo.SaraAdminSession, "[Overview]", "started by")
	mustMatch(t, s, `(?m)^ started by +sso:`+demo.SaraUser+` *$`)

	// New behavior: she called from Bellevue and Ashburn before, and from
	// nowhere new.
	term.press("Tab")
	term.waitFor("[API calls]")
	term.press("Tab")
	s = term.waitFor("[New behavior]", "known place")
	mustMatch(t, s, `(?m)^ known place +Bellevue, WA, US `)
	mustMatch(t, s, `(?m)^ known place +Ashburn, VA, US `)
	mustMatch(t, s, `◆ new 0 `)
	if regexp.MustCompile(`(?m)^.geolocation `).MatchString(s) {
		t.Errorf("a new geolocation in sara's session:\n%s", s)
	}

	// API calls, details for scope time: StopLogging and AssumeRole.
	term.press("BTab")
	term.waitFor("[API calls]")
	term.press("d")
	s = term.waitFor("Details for scope time by api")
	rows := tableRows(s, "API method")
	if len(rows) != 2 {
		t.Errorf("sara's admin session made %d kinds of calls in the hour, want 2 (StopLogging, AssumeRole):\n%s", len(rows), s)
	}
	mustMatch(t, s, `(?m)^.cloudtrail +StopLogging +1 +0 *$`)
	mustMatch(t, s, `(?m)^.sts +AssumeRole +1 +0 *$`)

	// Resource interaction: the chain into DemoRole1.
	term.press("Tab")
	term.waitFor("[New behavior]")
	term.press("Tab")
	s = term.waitFor("[Resource interaction]", "chain: ")
	mustMatch(t, s, `(?m)^.assumed role +role +`+regexp.QuoteMeta(demo.DemoRoleARN)+` `)
	term.selectRow(demo.SaraDemoSession + " (DemoRole1")

	// The DemoRole1 session's API calls: DescribeInstances, RunInstances,
	// and AttachRolePolicy with failures.
	term.press("Enter")
	s = term.waitFor("session "+demo.SaraDemoSession, "[Overview]")
	mustMatch(t, s, `(?m)^ started by +`+demo.SaraAdminSession+` *$`)
	term.press("Tab")
	term.waitFor("[API calls]")
	term.press("d")
	s = term.waitFor("Details for scope time by api", "DescribeInstances", "RunInstances", "AttachRolePolicy")
	mustMatch(t, s, fmt.Sprintf(`(?m)^.iam +AttachRolePolicy +%d +%d *$`, demo.IncidentAttachSuccesses, demo.IncidentAttachFailures))
	mustMatch(t, s, `(?m)^.ec2 +RunInstances +1 +0 *$`)

	// Back to the findings, a page at a time.
	term.press("Escape")
	term.waitFor("[Resource interaction]", "chain: ")
	term.press("Escape")
	term.waitFor("finding "+demo.TrailFindingType, "Involved entities")
	term.press("Escape")
	term.waitFor("[Findings]", "showing 1 of 6")
}

// replayVPCFlow is "Investigate VPC flow": the TorClient finding, the
// instance's flows sorted and filtered, and the local address.
func replayVPCFlow(t *testing.T, term *tmuxTerm) {
	term.press("f")
	term.waitFor("filter: type:CloudTrailLoggingDisabled")
	term.press("C-u")
	term.typeText("type:TorClient")
	term.press("Enter")
	term.waitMatch(`(?m)^▸.*` + regexp.QuoteMeta(demo.TorFindingType))

	term.press("Enter")
	s := term.waitFor("finding "+demo.TorFindingType, "Involved entities")
	if want := "scope 2026-10-14 20:00 → 10-15 02:00 (6h)"; !strings.Contains(s, want) {
		t.Errorf("the finding's scope is not its window: want %q in\n%s", want, s)
	}

	// The instance, its VPC flow tab, details for scope time: the Tor
	// entry nodes are marked ◆ from finding, and nothing else is.
	term.selectRow(demo.Instance)
	term.press("Enter")
	term.waitFor("instance "+demo.Instance, "[Overview]", "launched by")
	term.press("Tab")
	term.waitFor("[VPC flow]")
	term.press("d")
	s = term.waitFor("Details for scope time", "remote ip")
	rows := tableRows(s, "remote ip")
	marked := 0
	for _, r := range rows {
		if strings.Contains(r, "◆") {
			marked++
		}
	}
	if marked != len(demo.TorRemoteIPs) {
		t.Errorf("%d rows marked from finding, want %d:\n%s", marked, len(demo.TorRemoteIPs), s)
	}
	for _, ip := range demo.TorRemoteIPs {
		mustMatch(t, s, `(?m)^.◆ `+regexp.QuoteMeta(demo.InstanceIP)+` +\* +`+regexp.QuoteMeta(ip)+` +9001 `)
	}

	// Sort by inbound: s until "in" is the sort column. The spikes on 443
	// lead.
	sortBy(term, "in")
	rows = tableRows(term.screen, "remote ip")
	for i, ip := range demo.SpikeIPs {
		if len(rows) <= i || !strings.Contains(rows[i], " "+ip+" ") {
			t.Errorf("sorted by inbound, row %d is not %s:\n%s", i+1, ip, term.screen)
		}
	}

	// Sort by outbound: the 218 MB to 172.16.0.21 on port 22 leads.
	sortBy(term, "out")
	rows = tableRows(term.screen, "remote ip")
	if len(rows) == 0 || !regexp.MustCompile(` `+regexp.QuoteMeta(demo.Port22BigPeer)+` +22 .* 218\.0 MB `).MatchString(rows[0]) {
		t.Errorf("sorted by outbound, the first row is not the 218 MB to %s:\n%s", demo.Port22BigPeer, term.screen)
	}

	// Filter port 22: only port-22 rows.
	term.press("f")
	term.waitFor("filter: ", "lport:N")
	term.typeText("port:22")
	term.press("Enter")
	s = term.waitFor("Details for scope time  filter: port:22")
	rows = tableRows(s, "remote ip")
	port := regexp.MustCompile(`^.(?:◆|\s) (\S+) +(\S+) +(\S+) +(\S+) `)
	if len(rows) == 0 {
		t.Fatalf("no port-22 rows:\n%s", s)
	}
	for _, r := range rows {
		m := port.FindStringSubmatch(r)
		if m == nil || (m[2] != "22" && m[4] != "22") {
			t.Errorf("filtered to port 22, a row is not on it: %q", r)
		}
	}

	// o on the 218 MB row opens the local address: held by the instance,
	// with two SSH brute-force findings.
	term.press("Home")
	term.waitMatch(`(?m)^▸.* ` + regexp.QuoteMeta(demo.Port22BigPeer) + ` .* 218\.0 MB `)
	term.press("o")
	s = term.waitFor("ip "+demo.InstanceIP, "[Overview]", "held by")
	mustMatch(t, s, `(?m)^ held by +`+demo.Instance+` \(`)
	term.press("BTab")
	s = term.waitFor("[Findings]", demo.SSHBruteFindingType)
	if n := strings.Count(s, demo.SSHBruteFindingType); n != 2 {
		t.Errorf("%d SSH brute-force findings on %s, want 2:\n%s", n, demo.InstanceIP, s)
	}

	// Back on the Overview, the holder row opens the instance.
	term.press("Tab")
	term.waitFor("[Overview]", "held by")
	term.selectRow("held by")
	term.press("Enter")
	term.waitFor("instance "+demo.Instance, "[Overview]", "launched by")
}

// sortBy presses s until col is the sort column, largest first (▼).
func sortBy(term *tmuxTerm, col string) {
	term.t.Helper()
	marker := regexp.MustCompile(`\b` + col + ` ▼`)
	for range 12 {
		if marker.MatchString(headerOf(term.screen, "remote ip")) {
			return
		}
		term.pressAndWait("s")
	}
	term.t.Fatalf("s never sorted by %s:\n%s", col, term.screen)
}

// headerOf is the line of the table header holding text.
func headerOf(screen, text string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

func mustMatch(t *testing.T, screen, re string) {
	t.Helper()
	if !regexp.MustCompile(re).MatchString(screen) {
		t.Errorf("screen does not match %s:\n%s", re, screen)
	}
}

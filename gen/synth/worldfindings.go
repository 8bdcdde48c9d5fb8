package synth

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// findingType is a GuardDuty finding type the world raises.
type findingType struct {
	name     string
	severity float64
	// kind: probe (inbound, port probe), inbound, outbound (network
	// connections of an instance) or api (an access key's calls).
	kind string
	port int
	api  string // for api findings: the call GuardDuty names
}

var findingTypes = []findingType{
	{"Recon:EC2/PortProbeUnprotectedPort", 2, "probe", 22, ""},
	{"UnauthorizedAccess:EC2/SSHBruteForce", 2, "inbound", 22, ""},
	{"UnauthorizedAccess:EC2/RDPBruteForce", 2, "inbound", 3389, ""},
	{"Backdoor:EC2/C&CActivity.B", 8, "outbound", 443, ""},
	{"CryptoCurrency:EC2/BitcoinTool.B", 5, "outbound", 8333, ""},
	{"UnauthorizedAccess:EC2/TorClient", 8, "outbound", 9001, ""},
	{"Behavior:EC2/NetworkPortUnusual", 5, "outbound", 6667, ""},
	{"Discovery:IAMUser/AnomalousBehavior", 5, "api", 0, "iam:ListUsers"},
	{"Persistence:IAMUser/AnomalousBehavior", 5, "api", 0, "iam:AttachRolePolicy"},
	{"Recon:IAMUser/MaliciousIPCaller.Custom", 5, "api", 0, "ec2:DescribeInstances"},
	{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8, "exfil", 0, "s3:ListBuckets"},
	{"PenTest:IAMUser/KaliLinux", 5, "api", 0, "sts:GetCallerIdentity"},
}

type plannedFinding struct {
	hour, acct, typ int
}

// gdLine is one update of a finding, as a JSON line of the export.
type gdLine struct {
	acct int
	at   time.Time
	json string
}

// planFindings spreads Options.Findings over the history after the first
// two days, more of them recent, over accounts by their size.
func (w *worldWriter) planFindings() {
	g := w.g
	if g.opts.Findings <= 0 || w.hours <= 48 {
		return
	}
	acum := make([]float64, len(w.accts))
	total := 0.0
	for i, ac := range w.accts {
		total += ac.weight
		acum[i] = total
	}
	for i := 0; i < g.opts.Findings; i++ {
		u := g.rng.Float64()
		h := w.hours - 1 - int(math.Pow(u, 1.5)*float64(w.hours-49))
		w.findings = append(w.findings, plannedFinding{hour: h, acct: g.pickCum(acum), typ: g.rng.IntN(len(findingTypes))})
	}
	sort.SliceStable(w.findings, func(i, j int) bool { return w.findings[i].hour < w.findings[j].hour })
}

// findingsAt raises the findings planned for hour h, with the activity
// that they are about: flows to or from the remote address, or calls from
// it. Flow records count against flowsDue.
func (w *worldWriter) findingsAt(h int, t time.Time, flowsDue []int) {
	for len(w.findings) > 0 && w.findings[0].hour == h {
		p := w.findings[0]
		w.findings = w.findings[1:]
		ac := w.accts[p.acct]
		ft := findingTypes[p.typ]
		var resource, action string
		var evidence int
		var ok bool
		if ft.kind == "api" || ft.kind == "exfil" {
			resource, action, evidence, ok = w.apiFinding(ac, ft, t)
		} else {
			resource, action, evidence, ok = w.networkFinding(ac, ft, t)
			flowsDue[ac.idx] = max(0, flowsDue[ac.idx]-evidence)
		}
		if !ok {
			continue
		}
		w.raise(ac, ft, t, resource, action, evidence)
	}
}

// pickSkewed picks an index of n, the first ones most often.
func (w *worldWriter) pickSkewed(n int) int {
	u := w.g.rng.Float64()
	return int(u * u * float64(n))
}

func (w *worldWriter) networkFinding(ac *acctWorld, ft findingType, t time.Time) (resource, action string, evidence int, ok bool) {
	g := w.g
	var alive []*instance
	for _, in := range ac.instances {
		if in.alive(t) && in.launched.Before(t) {
			alive = append(alive, in)
		}
	}
	if len(alive) == 0 {
		return "", "", 0, false
	}
	in := alive[w.pickSkewed(len(alive))]
	remote := fmt.Sprintf("203.0.113.%d", 1+g.rng.IntN(199))
	o, err := w.flowObj(ac, t)
	if err != nil {
		return "", "", 0, false
	}
	base := t.Unix()
	cport := w.ephemeral()
	switch ft.kind {
	case "probe", "inbound":
		n := 3 + g.rng.IntN(20)
		for i := 0; i < n; i++ {
			evidence += w.flowPair(o, in, remote, in.ip, w.ephemeral(), ft.port, base+int64(g.rng.IntN(3540)), ft.kind == "probe", true)
		}
		if ft.kind == "probe" {
			action = `{"actionType":"PORT_PROBE","portProbeAction":{"blocked":false,"portProbeDetails":[{"localPortDetails":{"port":` +
				strconv.Itoa(ft.port) + `,"portName":"SSH"},"localIpDetails":{"ipAddressV4":"` + in.ip + `"},"remoteIpDetails":` +
				remoteIPDetails(remote) + `}]}}`
		} else {
			action = networkAction("INBOUND", remote, ft.port, cport, in.ip)
		}
	default:
		n := 2 + g.rng.IntN(8)
		for i := 0; i < n; i++ {
			evidence += w.flowPair(o, in, in.ip, remote, cport, ft.port, base+int64(g.rng.IntN(3540)), false, true)
		}
		action = networkAction("OUTBOUND", remote, ft.port, cport, in.ip)
	}
	resource = `{"resourceType":"Instance","instanceDetails":{"instanceId":"` + in.id +
		`","instanceType":"m6i.large","instanceState":"running","availabilityZone":"us-east-1a","imageId":"ami-0abcdef1234567890","launchTime":"` +
		gdTime(in.launched) + `","networkInterfaces":[{"networkInterfaceId":"` + in.eni + `","privateIpAddress":"` + in.ip +
		`","privateIpAddresses":[{"privateIpAddress":"` + in.ip + `"}],"subnetId":"` + in.subnet + `","vpcId":"` + in.vpc +
		`","securityGroups":[{"groupId":"sg-0` + fmt.Sprintf("%016x", 0xc000+ac.idx*16+in.kind) + `","groupName":"` + kindName(in.kind) +
		`"}]}],"tags":[{"key":"Name","value":"` + kindName(in.kind) + `"}]}}`
	return resource, action, evidence, true
}

func kindName(k int) string { return []string{"web", "app", "db", "bastion", "worker"}[k] }

func networkAction(dir, remote string, rport, lport int, local string) string {
	if dir == "INBOUND" {
		rport, lport = lport, rport
	}
	return `{"actionType":"NETWORK_CONNECTION","networkConnectionAction":{"connectionDirection":"` + dir +
		`","remoteIpDetails":` + remoteIPDetails(remote) + `,"remotePortDetails":{"port":` + strconv.Itoa(rport) +
		`,"portName":"Unknown"},"localPortDetails":{"port":` + strconv.Itoa(lport) + `,"portName":"Unknown"},"localIpDetails":{"ipAddressV4":"` +
		local + `"},"protocol":"TCP","blocked":false}}`
}

func remoteIPDetails(ip string) string {
	c, asn, _ := placeOf(ip)
	return fmt.Sprintf(`{"ipAddressV4":"%s","organization":{"asn":"%d","asnOrg":"%s","isp":"%s","org":"%s"},"country":{"countryName":"%s"},"city":{"cityName":"%s"},"geoLocation":{"lat":%g,"lon":%g}}`,
		ip, asn, c.aso, c.aso, c.aso, c.country, c.name, c.lat, c.lon)
}

// apiFinding picks an actor (an IAM user or, for credential exfiltration,
// an instance's session; else sometimes another session) and makes it
// call from an address far from home.
func (w *worldWriter) apiFinding(ac *acctWorld, ft findingType, t time.Time) (resource, action string, evidence int, ok bool) {
	g := w.g
	var c *caller
	var key, principal, userName, userType string
	switch {
	case ft.kind == "exfil":
		var cands []*session
		for _, in := range ac.instances {
			if in.session != nil && in.alive(t) && in.session.expires.After(t) {
				cands = append(cands, in.session)
			}
		}
		if len(cands) == 0 {
			return "", "", 0, false
		}
		s := cands[w.pickSkewed(len(cands))]
		c, key, principal, userName, userType = &s.c, s.key, s.role.id+":"+s.name, s.role.name, "AssumedRole"
	case len(ac.active) > 0 && g.rng.IntN(3) == 0:
		s := ac.active[g.rng.IntN(len(ac.active))]
		c, key, principal, userName, userType = &s.c, s.key, s.role.id+":"+s.name, s.role.name, "AssumedRole"
	default:
		u := ac.users[w.pickSkewed(len(ac.users))]
		c, key, principal, userName, userType = u, u.accessKey, u.principalID, u.userName, "IAMUser"
	}
	remote := fmt.Sprintf("203.0.113.%d", 1+g.rng.IntN(199))
	agent := c.agent
	if strings.HasPrefix(ft.name, "PenTest") {
		agent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off"
	}
	service, api, _ := strings.Cut(ft.api, ":")
	n := 3 + g.rng.IntN(10)
	for i := 0; i < n; i++ {
		e := ctEvent{identity: c.identity, at: w.at(t, t), service: service, name: api, ip: remote, agent: agent, readOnly: true,
			req: `{"maxResults":100}`}
		if i > 0 && i%3 == 0 {
			a := worldAPIs[c.apis[g.pickCum(c.apiCum)]]
			e.service, e.name = a.service, a.name
		}
		w.add(ac, e)
	}
	resource = `{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"` + key + `","principalId":"` + principal +
		`","userName":"` + userName + `","userType":"` + userType + `"}}`
	action = `{"actionType":"AWS_API_CALL","awsApiCallAction":{"api":"` + api + `","serviceName":"` + service +
		`.amazonaws.com","callerType":"Remote IP","remoteIpDetails":` + remoteIPDetails(remote) + `,"userAgent":"` + agent +
		`","affectedResources":{}}}`
	return resource, action, n, true
}

// raise writes a finding's updates: GuardDuty reports it within the hour
// and updates it as the activity goes on.
func (w *worldWriter) raise(ac *acctWorld, ft findingType, t time.Time, resource, action string, evidence int) {
	g := w.g
	id := g.hex(32)
	first := t.Add(time.Duration(g.rng.IntN(600)) * time.Second)
	created := t.Add(50*time.Minute + time.Duration(g.rng.IntN(600))*time.Second)
	last, count := created.Add(-5*time.Minute), evidence
	role := "TARGET"
	if ft.kind == "outbound" || ft.kind == "exfil" {
		role = "ACTOR"
	}
	title, desc := findingText(ft, resource)
	updated := created
	for u := 0; u < 1+g.rng.IntN(3); u++ {
		if u > 0 {
			updated = updated.Add(time.Duration(1+g.rng.IntN(30)) * time.Hour)
			last = updated.Add(-time.Duration(5+g.rng.IntN(50)) * time.Minute)
			count += 1 + g.rng.IntN(20)
		}
		var b strings.Builder
		b.WriteString(`{"schemaVersion":"2.0","accountId":"` + ac.id + `","region":"us-east-1","partition":"aws","id":"` + id)
		b.WriteString(`","arn":"arn:aws:guardduty:us-east-1:` + ac.id + `:detector/` + ac.id + `detector/finding/` + id)
		b.WriteString(`","type":"` + ft.name + `","resource":` + resource)
		b.WriteString(`,"service":{"serviceName":"guardduty","detectorId":"` + ac.id + `detector","action":` + action)
		b.WriteString(`,"resourceRole":"` + role + `","eventFirstSeen":"` + gdTime(first) + `","eventLastSeen":"` + gdTime(last))
		b.WriteString(`","archived":false,"count":` + strconv.Itoa(count) + `,"additionalInfo":{"value":"{}","type":"default"}}`)
		b.WriteString(`,"severity":` + strconv.FormatFloat(ft.severity, 'f', 1, 64))
		b.WriteString(`,"createdAt":"` + gdTime(created) + `","updatedAt":"` + gdTime(updated))
		b.WriteString(`","title":"` + title + `","description":"` + desc + `"}`)
		w.gdLines = append(w.gdLines, gdLine{acct: ac.idx, at: updated, json: b.String()})
	}
}

func findingText(ft findingType, resource string) (title, desc string) {
	subject := "an access key"
	if i := strings.Index(resource, `"instanceId":"`); i >= 0 {
		rest := resource[i+len(`"instanceId":"`):]
		subject = "EC2 instance " + rest[:strings.IndexByte(rest, '"')]
	} else if i := strings.Index(resource, `"accessKeyId":"`); i >= 0 {
		rest := resource[i+len(`"accessKeyId":"`):]
		subject = "access key " + rest[:strings.IndexByte(rest, '"')]
	}
	kind := ft.name[strings.IndexByte(ft.name, ':')+1:]
	title = kind + " involving " + subject + "."
	desc = "GuardDuty observed " + kind + " activity involving " + subject + ". Review the activity around it."
	return title, desc
}

func gdTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// writeFindings writes the updates as JSON lines, one object per account
// and day of update, as the S3 export does.
func (w *worldWriter) writeFindings() error {
	lines := w.gdLines
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].acct != lines[j].acct {
			return lines[i].acct < lines[j].acct
		}
		return lines[i].at.Before(lines[j].at)
	})
	for i := 0; i < len(lines); {
		ac := w.accts[lines[i].acct]
		day := lines[i].at.Format("2006/01/02")
		rel := fmt.Sprintf("guardduty/AWSLogs/%s/GuardDuty/us-east-1/%s/%s.jsonl.gz", ac.id, day, w.g.hex(32))
		z, err := w.g.create(rel)
		if err != nil {
			return err
		}
		for ; i < len(lines) && lines[i].acct == ac.idx && lines[i].at.Format("2006/01/02") == day; i++ {
			z.bw.WriteString(lines[i].json)
			z.bw.WriteByte('\n')
			w.g.out.Findings++
		}
		if err := z.close(w.g); err != nil {
			return err
		}
	}
	return nil
}

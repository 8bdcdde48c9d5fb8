package synth

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// WorldVersion changes whenever what Options.Days writes changes, so that
// caches of graphs built from it (benchmarks) know to rebuild.
const WorldVersion = 2

// ctEvent is one CloudTrail event of the world, rendered when its object
// is written.
type ctEvent struct {
	identity                         string
	at                               time.Time
	service, name, region, ip, agent string
	errCode                          string
	req, resp                        string // raw JSON, "" for null
	shared                           string
	acct                             string
	readOnly                         bool
}

// ctObject is an open CloudTrail delivery object of one account and Region.
type ctObject struct {
	z   *gzFile
	n   int
	day int
}

// worldWriter writes the world hour by hour.
type worldWriter struct {
	*world
	start   time.Time
	hours   int
	pending [][]ctEvent // per account, this hour's events
	ct      []*ctObject // per account × Region
	flows   []*flowObject
	// eventW and flowW are the totals of the hourly weights, for budgets.
	eventW, flowW       float64
	eventCum, flowCum   float64
	eventDone, flowDone int
	findings            []plannedFinding
	gdLines             []gdLine
	cand                []*caller
	candCum             []float64
}

// writeWorld writes Options.Days of a world's logs.
func (g *generator) writeWorld() error {
	w := &worldWriter{world: g.buildWorld(), start: g.opts.Start.Truncate(time.Hour), hours: g.opts.Days * 24}
	w.pending = make([][]ctEvent, len(w.accts))
	w.ct = make([]*ctObject, len(w.accts)*len(regions))
	w.flows = make([]*flowObject, len(w.accts))
	for h := 0; h < w.hours; h++ {
		for _, ac := range w.accts {
			w.eventW += w.eventWeight(h, ac)
			w.flowW += w.flowWeight(h, ac)
		}
	}
	w.planFindings()
	for h := 0; h < w.hours; h++ {
		t := w.start.Add(time.Duration(h) * time.Hour)
		for _, ac := range w.accts {
			w.lifecycle(ac, t)
		}
		flowsDue := make([]int, len(w.accts))
		for _, ac := range w.accts {
			flowsDue[ac.idx] = w.budget(&w.flowCum, &w.flowDone, w.flowWeight(h, ac), w.flowW, g.opts.Flows)
		}
		w.findingsAt(h, t, flowsDue)
		for _, ac := range w.accts {
			n := w.budget(&w.eventCum, &w.eventDone, w.eventWeight(h, ac), w.eventW, g.opts.Events)
			w.calls(ac, t, n-len(w.pending[ac.idx]))
		}
		for _, ac := range w.accts {
			if err := w.flush(ac, t); err != nil {
				return err
			}
			if err := w.hourFlows(ac, t, flowsDue[ac.idx]); err != nil {
				return err
			}
		}
	}
	for _, o := range w.ct {
		if err := w.closeCT(o); err != nil {
			return err
		}
	}
	for _, o := range w.flows {
		if err := w.closeFlows(o); err != nil {
			return err
		}
	}
	return w.writeFindings()
}

// budget spreads total over the hours by weight, exactly: the running
// sum of shares, rounded down, less what was already handed out.
func (w *worldWriter) budget(cum *float64, done *int, weight, totalW float64, total int) int {
	*cum += float64(total) * weight / totalW
	n := int(math.Floor(*cum+1e-6)) - *done
	if n < 0 {
		n = 0
	}
	*done += n
	return n
}

// diurnal is how busy people are at an hour of the day (UTC, most of
// them in the Americas and Europe).
var diurnal = [24]float64{0.35, 0.3, 0.25, 0.2, 0.2, 0.25, 0.35, 0.5, 0.7, 0.85, 0.95, 1, 1, 1,
	1, 1, 1, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4}

func (w *worldWriter) people(t time.Time) float64 {
	f := diurnal[t.Hour()]
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		f *= 0.3
	}
	return f
}

func (w *worldWriter) eventWeight(h int, ac *acctWorld) float64 {
	t := w.start.Add(time.Duration(h) * time.Hour)
	// Machines keep a floor of activity; people add the rest. The graph
	// grows a little over its history.
	return ac.weight * (0.35 + 0.65*w.people(t)) * (0.8 + 0.4*float64(h)/float64(w.hours))
}

func (w *worldWriter) flowWeight(h int, ac *acctWorld) float64 {
	t := w.start.Add(time.Duration(h) * time.Hour)
	return ac.weight * (0.5 + 0.5*diurnal[t.Hour()])
}

// at is a random time in the hour that starts at t, not before from.
func (w *worldWriter) at(t, from time.Time) time.Time {
	if from.After(t) {
		left := t.Add(time.Hour).Sub(from)
		if left <= time.Second {
			return from
		}
		return from.Add(time.Duration(w.g.rng.Int64N(int64(left/time.Second))) * time.Second)
	}
	return t.Add(time.Duration(w.g.rng.IntN(3600)) * time.Second)
}

func (w *worldWriter) region() string {
	switch x := w.g.rng.IntN(20); {
	case x < 14:
		return regions[0]
	case x < 17:
		return regions[1]
	case x < 19:
		return regions[2]
	}
	return regions[3]
}

func (w *worldWriter) add(ac *acctWorld, e ctEvent) {
	e.acct = ac.id
	if e.region == "" {
		e.region = w.region()
	}
	w.pending[ac.idx] = append(w.pending[ac.idx], e)
}

// lifecycle writes what makes and ends sessions and instances in the hour
// that starts at t.
func (w *worldWriter) lifecycle(ac *acctWorld, t time.Time) {
	g := w.g
	end := t.Add(time.Hour)
	live := ac.active[:0]
	for _, s := range ac.active {
		if s.expires.After(t) {
			live = append(live, s)
		}
	}
	ac.active = live
	for _, in := range ac.instances {
		if !in.launchedAnnounced && in.launched.Before(end) {
			in.launchedAnnounced = true
			w.runInstances(ac, in)
		}
		if !in.terminated.IsZero() && !in.terminated.Before(t) && in.terminated.Before(end) {
			w.add(ac, ctEvent{identity: ac.users[0].identity, at: in.terminated, service: "ec2", name: "TerminateInstances",
				region: regions[0], ip: ac.users[0].ips[0], agent: ac.users[0].agent,
				req: `{"instancesSet":{"items":[{"instanceId":"` + in.id + `"}]}}`})
		}
		if in.profile && in.alive(t) && (in.terminated.IsZero() || in.terminated.After(end)) && in.nextRenew.Before(end) {
			w.renewProfile(ac, in, t)
		}
	}
	people := w.people(t)
	for _, u := range ac.users {
		p := 0.5 * w.busy * people * math.Sqrt(u.weight/ac.users[0].weight)
		if g.rng.Float64() < p {
			w.userAssumes(ac, u, t)
		}
	}
	for _, u := range w.sso {
		for i, a := range u.accts {
			if a != ac.idx || w.hasSSOSession(ac, u) {
				continue
			}
			if g.rng.Float64() < 0.3*w.busy*people*math.Sqrt(u.weight/w.sso[0].weight) {
				w.ssoSignIn(ac, u, ac.ssoRoles[u.roleIx[i]], t)
			}
		}
	}
	if g.rng.Float64() < 0.04*people {
		w.externalAssume(ac, t)
	}
	w.trailChanges(ac, t)
}

func (w *worldWriter) hasSSOSession(ac *acctWorld, u *ssoUser) bool {
	for _, s := range ac.active {
		if s.starter == &u.c {
			return true
		}
	}
	return false
}

func (w *worldWriter) tempKey() string { return "ASIA" + w.g.upper(16) }

func assumeResponse(key, roleID, name, arn string, expires time.Time) string {
	return `{"credentials":{"accessKeyId":"` + key + `","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":"` +
		expires.UTC().Format("Jan 2, 2006, 3:04:05 PM") + `"},"assumedRoleUser":{"assumedRoleId":"` + roleID + ":" + name +
		`","arn":"` + arn + `"}`
}

func assumedARN(r *role, name string) string {
	return "arn:aws:sts::" + r.acct + ":assumed-role/" + r.name + "/" + name
}

// newSession makes a session of r started by starter, whose calls come
// from the starter's addresses with its user agent and follow the role's
// habits.
func (w *worldWriter) newSession(r *role, name string, created time.Time, d time.Duration, starter *caller, ec2 bool) *session {
	s := &session{role: r, name: name, key: w.tempKey(), created: created, expires: created.Add(d), starter: starter}
	s.c = caller{ips: starter.ips, agent: starter.agent, apis: r.apis, apiCum: r.apiCum, weight: starter.weight, nightOwl: starter.nightOwl}
	s.c.identity = sessionIdentity(r, r.acct, name, s.key, created, ec2)
	return s
}

var durations = []time.Duration{time.Hour, time.Hour, time.Hour, 2 * time.Hour, 4 * time.Hour, 12 * time.Hour}

// userAssumes: an IAM user assumes one of its account's roles, now and
// then another account's; a tenth of those sessions chain on.
func (w *worldWriter) userAssumes(ac *acctWorld, u *caller, t time.Time) {
	g := w.g
	target := ac
	if len(w.accts) > 1 && g.rng.IntN(20) == 0 {
		target = w.accts[(ac.idx+1+g.rng.IntN(len(w.accts)-1))%len(w.accts)]
	}
	// People keep to a few roles: the user's index picks them.
	ri := (indexOf(ac.users, u)*3 + g.rng.IntN(3)) % len(target.roles)
	if g.rng.IntN(10) == 0 {
		ri = g.rng.IntN(len(target.roles))
	}
	r := target.roles[ri]
	created := w.at(t, t)
	name := u.userName
	if g.rng.IntN(2) == 0 {
		name = "botocore-session-" + strconv.FormatInt(created.Unix(), 10)
	}
	s := w.newSession(r, name, created, durations[g.rng.IntN(len(durations))], u, false)
	w.assume(ac, target, u.identity, u.ips[0], u.agent, s, "")
	if g.rng.IntN(10) == 0 {
		w.chain(target, s, t)
	}
}

func indexOf(list []*caller, c *caller) int {
	for i, x := range list {
		if x == c {
			return i
		}
	}
	return 0
}

// assume writes the AssumeRole that made s, in the caller's account and,
// for another account's role, the role account's copy joined to it by
// sharedEventID.
func (w *worldWriter) assume(from, target *acctWorld, identity, ip, agent string, s *session, principalID string) {
	r := s.role
	req := `{"roleArn":"` + r.arn + `","roleSessionName":"` + s.name + `","durationSeconds":` +
		strconv.Itoa(int(s.expires.Sub(s.created).Seconds())) + `}`
	resp := assumeResponse(s.key, r.id, s.name, assumedARN(r, s.name), s.expires) + "}"
	e := ctEvent{identity: identity, at: s.created, service: "sts", name: "AssumeRole", region: regions[0],
		ip: ip, agent: agent, req: req, resp: resp, readOnly: true}
	if from != target {
		e.shared = w.g.uuid()
		copyEv := e
		if principalID == "" {
			principalID = principalIDOf(identity)
		}
		copyEv.identity = `{"type":"AWSAccount","principalId":"` + principalID + `","accountId":"` + from.id + `"}`
		w.add(target, copyEv)
	}
	w.add(from, e)
	target.active = append(target.active, s)
}

// principalIDOf reads "principalId" out of a rendered userIdentity.
func principalIDOf(identity string) string {
	const k = `"principalId":"`
	for i := 0; i+len(k) < len(identity); i++ {
		if identity[i:i+len(k)] == k {
			rest := identity[i+len(k):]
			for j := 0; j < len(rest); j++ {
				if rest[j] == '"' {
					return rest[:j]
				}
			}
		}
	}
	return ""
}

// chain: session s assumes another role under its own name, in its
// account or (one time in three) the next account.
func (w *worldWriter) chain(ac *acctWorld, s *session, t time.Time) {
	g := w.g
	target := ac
	if len(w.accts) > 1 && g.rng.IntN(3) == 0 {
		target = w.accts[(ac.idx+1)%len(w.accts)]
	}
	r := target.roles[g.rng.IntN(len(target.roles))]
	if r == s.role {
		return
	}
	created := w.at(t, s.created.Add(time.Minute))
	c := w.newSession(r, s.name, created, time.Hour, &s.c, false)
	c.chained = true
	w.assume(ac, target, s.c.identity, s.c.ips[0], s.c.agent, c, "")
}

// ssoSignIn: Identity Center signs a user in to a permission set's role
// with AssumeRoleWithSAML, the session named after the user.
func (w *worldWriter) ssoSignIn(ac *acctWorld, u *ssoUser, r *role, t time.Time) {
	created := w.at(t, t)
	s := w.newSession(r, u.name, created, 8*time.Hour, &u.c, false)
	s.c.weight = u.weight * 3
	identity := `{"type":"SAMLUser","principalId":"` + ac.nq + ":" + u.name + `","userName":"` + u.name +
		`","identityProvider":"` + ac.nq + `"}`
	req := `{"sAMLAssertionID":"_` + w.g.uuid() + `","roleSessionName":"` + u.name + `","roleArn":"` + r.arn +
		`","principalArn":"` + ac.samlProvider + `","durationSeconds":28800}`
	resp := assumeResponse(s.key, r.id, u.name, assumedARN(r, u.name), s.expires) + `,"subject":"` + u.name +
		`","subjectType":"persistent","issuer":"https://portal.sso.us-east-1.amazonaws.com/saml/assertion/EXAMPLE","audience":"https://signin.aws.amazon.com/saml","nameQualifier":"` +
		ac.nq + `"}`
	w.add(ac, ctEvent{identity: identity, at: created, service: "sts", name: "AssumeRoleWithSAML", region: regions[0],
		ip: u.c.ips[w.g.rng.IntN(len(u.c.ips))], agent: u.c.agent, req: req, resp: resp, readOnly: true})
	ac.active = append(ac.active, s)
}

// externalAssume: an auditor from an account outside the graph assumes
// security-audit; only the role account's copy exists.
func (w *worldWriter) externalAssume(ac *acctWorld, t time.Time) {
	auditor := &caller{ips: []string{fmt.Sprintf("203.0.113.%d", 200+w.g.rng.IntN(8))}, agent: humanAgents[2], weight: 0.02}
	var r *role
	for _, x := range ac.roles {
		if x.name == "security-audit" {
			r = x
		}
	}
	s := w.newSession(r, "auditor", w.at(t, t), time.Hour, auditor, false)
	req := `{"roleArn":"` + r.arn + `","roleSessionName":"auditor","durationSeconds":3600}`
	resp := assumeResponse(s.key, r.id, "auditor", assumedARN(r, "auditor"), s.expires) + "}"
	w.add(ac, ctEvent{identity: `{"type":"AWSAccount","principalId":"AROAEXTERNALAUDITOR01:auditor","accountId":"` + w.external + `"}`,
		at: s.created, service: "sts", name: "AssumeRole", region: regions[0], ip: auditor.ips[0], agent: auditor.agent,
		req: req, resp: resp, shared: w.g.uuid(), readOnly: true})
	ac.active = append(ac.active, s)
}

// renewProfile: EC2 delivers fresh instance-profile credentials every six
// hours, in a session named after the instance.
func (w *worldWriter) renewProfile(ac *acctWorld, in *instance, t time.Time) {
	at := in.nextRenew
	if at.Before(in.launched) {
		at = in.launched.Add(time.Minute)
	}
	if at.Before(t) {
		at = t
	}
	in.nextRenew = at.Add(6 * time.Hour)
	ec2 := &caller{ips: in.c.ips, agent: in.c.agent, weight: 1, nightOwl: true}
	s := w.newSession(ac.profileRole, in.id, at, 6*time.Hour, ec2, true)
	s.c.apis, s.c.apiCum = in.c.apis, in.c.apiCum
	in.session = s
	r := ac.profileRole
	req := `{"roleArn":"` + r.arn + `","roleSessionName":"` + in.id + `","durationSeconds":21600}`
	resp := assumeResponse(s.key, r.id, in.id, assumedARN(r, in.id), s.expires) + "}"
	w.add(ac, ctEvent{identity: `{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}`, at: at, service: "sts",
		name: "AssumeRole", region: regions[0], ip: "ec2.amazonaws.com", agent: "ec2.amazonaws.com", req: req, resp: resp,
		shared: w.g.uuid(), readOnly: true})
}

// runInstances: the admin launches an instance; the response names its
// interface and address.
func (w *worldWriter) runInstances(ac *acctWorld, in *instance) {
	u := ac.users[0]
	req := `{"instancesSet":{"items":[{"imageId":"ami-0abcdef1234567890","minCount":1,"maxCount":1}]},"instanceType":"m6i.large"}`
	resp := `{"reservationId":"r-0` + w.g.hex(16) + `","ownerId":"` + ac.id + `","instancesSet":{"items":[{"instanceId":"` + in.id +
		`","imageId":"ami-0abcdef1234567890","instanceState":{"code":0,"name":"pending"},"vpcId":"` + in.vpc +
		`","subnetId":"` + in.subnet + `","privateIpAddress":"` + in.ip + `","networkInterfaceSet":{"items":[{"networkInterfaceId":"` +
		in.eni + `","subnetId":"` + in.subnet + `","vpcId":"` + in.vpc + `","privateIpAddress":"` + in.ip +
		`","privateIpAddressesSet":{"item":[{"privateIpAddress":"` + in.ip + `","primary":true}]}}]}}]}}`
	w.add(ac, ctEvent{identity: u.identity, at: in.launched, service: "ec2", name: "RunInstances", region: regions[0],
		ip: u.ips[0], agent: u.agent, req: req, resp: resp})
}

// trailChanges: every account's trail is updated once, half way through;
// account 1 stops logging for two hours a week before the end.
func (w *worldWriter) trailChanges(ac *acctWorld, t time.Time) {
	h := int(t.Sub(w.start) / time.Hour)
	trail := "arn:aws:cloudtrail:us-east-1:" + ac.id + ":trail/org-trail"
	u := ac.users[0]
	call := func(name string) {
		w.add(ac, ctEvent{identity: u.identity, at: w.at(t, t), service: "cloudtrail", name: name, region: regions[0],
			ip: u.ips[0], agent: u.agent, req: `{"name":"` + trail + `","s3BucketName":"` + ac.buckets[1] + `"}`})
	}
	switch {
	case h == w.hours/2+ac.idx:
		call("UpdateTrail")
	case ac.idx == 1 && h == w.hours-7*24:
		call("StopLogging")
	case ac.idx == 1 && h == w.hours-7*24+2:
		call("StartLogging")
	}
}

// calls writes n API calls of the account's principals in the hour.
func (w *worldWriter) calls(ac *acctWorld, t time.Time, n int) {
	if n <= 0 {
		return
	}
	g := w.g
	people := w.people(t)
	w.cand, w.candCum = w.cand[:0], w.candCum[:0]
	total := 0.0
	addC := func(c *caller, weight float64) {
		if !c.nightOwl {
			weight *= people
		}
		if weight <= 0 {
			return
		}
		total += weight
		w.cand = append(w.cand, c)
		w.candCum = append(w.candCum, total)
	}
	for _, u := range ac.users {
		addC(u, 0.3*u.weight)
	}
	for _, s := range ac.active {
		if s.role != ac.profileRole {
			addC(&s.c, 0.35*s.c.weight)
		}
	}
	for _, in := range ac.instances {
		if in.session != nil && in.alive(t) && in.session.expires.After(t) {
			addC(&in.session.c, 0.35*in.weight)
		}
	}
	if len(w.cand) == 0 {
		return
	}
	created := map[*caller]time.Time{}
	for _, s := range ac.active {
		created[&s.c] = s.created
	}
	for _, in := range ac.instances {
		if in.session != nil {
			created[&in.session.c] = in.session.created
		}
	}
	for i := 0; i < n; i++ {
		c := w.cand[g.pickCum(w.candCum)]
		w.call(ac, c, w.at(t, created[c]))
	}
}

// call writes one API call of c at time at: mostly its habits, rarely
// something new, from its usual addresses or, rarely, another.
func (w *worldWriter) call(ac *acctWorld, c *caller, at time.Time) {
	g := w.g
	api := c.apis[g.pickCum(c.apiCum)]
	if g.rng.IntN(400) == 0 {
		api = g.rng.IntN(len(worldAPIs))
	}
	ip := c.ips[g.rng.IntN(len(c.ips))]
	if g.rng.IntN(1000) == 0 {
		ip = fmt.Sprintf("203.0.113.%d", 1+g.rng.IntN(254))
	}
	a := worldAPIs[api]
	e := ctEvent{identity: c.identity, at: at, service: a.service, name: a.name, ip: ip, agent: c.agent, readOnly: a.readOnly}
	switch a.req {
	case reqBucket:
		b := ac.buckets[g.rng.IntN(len(ac.buckets))]
		e.req = `{"bucketName":"` + b + `","Host":"` + b + `.s3.amazonaws.com","key":"obj/` + strconv.Itoa(g.rng.IntN(5000)) + `"}`
	case reqRole:
		e.req = `{"roleName":"` + ac.roles[g.rng.IntN(len(ac.roles))].name + `"}`
	case reqInstance:
		e.req = `{"instancesSet":{"items":[{"instanceId":"` + ac.instances[g.rng.IntN(len(ac.instances))].id + `"}]}}`
	default:
		e.req = `{"maxResults":100}`
	}
	failRate := 60
	if !a.readOnly {
		failRate = 25
	}
	if g.rng.IntN(failRate) == 0 {
		e.errCode = "AccessDenied"
	}
	w.add(ac, e)
}

// flush writes the account's events of the hour into their Region's
// object; objects end with the day or when full.
func (w *worldWriter) flush(ac *acctWorld, t time.Time) error {
	day := int(t.Sub(w.start) / (24 * time.Hour))
	for i := range w.pending[ac.idx] {
		e := &w.pending[ac.idx][i]
		ri := regionIndex(e.region)
		slot := ac.idx*len(regions) + ri
		o := w.ct[slot]
		if o != nil && (o.day != day || o.n >= w.g.opts.EventsPerObject) {
			if err := w.closeCT(o); err != nil {
				return err
			}
			o = nil
		}
		if o == nil {
			rel := fmt.Sprintf("trail/AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
				ac.id, e.region, t.Format("2006/01/02"), ac.id, e.region, t.Format("20060102T1504Z"), w.g.upper(16))
			z, err := w.g.create(rel)
			if err != nil {
				return err
			}
			z.bw.WriteString(`{"Records":[`)
			o = &ctObject{z: z, day: day}
			w.ct[slot] = o
		}
		if o.n > 0 {
			o.z.bw.WriteByte(',')
		}
		w.render(o.z, e)
		o.n++
		w.g.out.Events++
	}
	w.pending[ac.idx] = w.pending[ac.idx][:0]
	return nil
}

func (w *worldWriter) closeCT(o *ctObject) error {
	if o == nil || o.z == nil {
		return nil
	}
	o.z.bw.WriteString("]}")
	err := o.z.close(w.g)
	o.z = nil
	return err
}

func regionIndex(r string) int {
	for i, x := range regions {
		if x == r {
			return i
		}
	}
	return 0
}

func (w *worldWriter) render(z *gzFile, e *ctEvent) {
	b := z.bw
	b.WriteString(`{"eventVersion":"1.09","userIdentity":`)
	b.WriteString(e.identity)
	b.WriteString(`,"eventTime":"`)
	b.WriteString(e.at.UTC().Format(time.RFC3339))
	b.WriteString(`","eventSource":"`)
	b.WriteString(e.service)
	b.WriteString(`.amazonaws.com","eventName":"`)
	b.WriteString(e.name)
	b.WriteString(`","awsRegion":"`)
	b.WriteString(e.region)
	b.WriteString(`","sourceIPAddress":"`)
	b.WriteString(e.ip)
	b.WriteString(`","userAgent":"`)
	b.WriteString(e.agent)
	b.WriteString(`",`)
	if e.errCode != "" {
		b.WriteString(`"errorCode":"` + e.errCode + `","errorMessage":"User is not authorized to perform ` + e.service + ":" + e.name + `",`)
	}
	b.WriteString(`"requestParameters":`)
	if e.req == "" {
		b.WriteString("null")
	} else {
		b.WriteString(e.req)
	}
	b.WriteString(`,"responseElements":`)
	if e.resp == "" || e.errCode != "" {
		b.WriteString("null")
	} else {
		b.WriteString(e.resp)
	}
	b.WriteString(`,"requestID":"`)
	b.WriteString(w.g.uuid())
	b.WriteString(`","eventID":"`)
	b.WriteString(w.g.uuid())
	b.WriteString(`","readOnly":`)
	b.WriteString(strconv.FormatBool(e.readOnly))
	b.WriteString(`,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"`)
	b.WriteString(e.acct)
	if e.shared != "" {
		b.WriteString(`","sharedEventID":"`)
		b.WriteString(e.shared)
	}
	b.WriteString(`","eventCategory":"Management"}`)
}

// uuid is a random version-4-shaped id.
func (g *generator) uuid() string {
	const digits = "0123456789abcdef"
	var b [36]byte
	x, y := g.rng.Uint64(), g.rng.Uint64()
	j := 0
	for i := range b {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
			continue
		}
		var v uint64
		if j < 16 {
			v, x = x&15, x>>4
		} else {
			v, y = y&15, y>>4
		}
		b[i] = digits[v]
		j++
	}
	return string(b[:])
}

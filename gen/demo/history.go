package demo

import (
	"math/rand/v2"
	"slices"
	"time"
)

const (
	bobUserAgent   = "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off"
	auditUserAgent = "Boto3/1.35.24 md/Botocore#1.35.24 ua/2.0 os/linux#6.1.109-118.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.24"
	webUserAgent   = "aws-sdk-go-v2/1.30.5 os/linux lang/go#1.22.7 md/GOOS#linux md/GOARCH#amd64 api/s3#1.61.2"
	ssmUserAgent   = "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.859.0"
)

const day = 24 * time.Hour

// saraChainDays are ordinary days on which sara used DemoRole1, so the
// incident's role chaining is not the first time she took that step and
// DemoRole1's "sara" session has a history before the scope.
var saraChainDays = []time.Time{
	time.Date(2026, 8, 19, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 16, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 29, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC),
}

// auditDays are when UnloggedAccount looked around through DemoRole1.
var auditDays = []time.Time{
	time.Date(2026, 8, 14, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
}

// routines records the weeks of ordinary activity that baselines learn
// from. Each actor's day draws from its own random stream.
func routines(l *trailLog) {
	for d := HistoryStart; d.Before(HistoryEnd); d = d.Add(day) {
		n := uint64(d.Sub(HistoryStart) / day)
		saraDay(l, d, n)
		aliceDay(l, d, n)
		deployDay(l, d, n)
		servicesDay(l, d, n)
		if slices.ContainsFunc(auditDays, d.Equal) {
			auditVisit(l, d, n)
		}
	}
	instanceProfiles(l)
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// spread returns n sorted times in [from, to), to the second.
func spread(r *rand.Rand, from, to time.Time, n int) []time.Time {
	span := int64(to.Sub(from) / time.Second)
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = from.Add(time.Duration(r.Int64N(span)) * time.Second)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// saraDay is sara's ordinary working day: one Identity Center sign-in to
// the admin role between 15:00 and 17:30 UTC, 5 to 40 calls until at most
// 01:00, from Bellevue on most days and Ashburn on some. On the incident
// day she works only until 16:55, so the incident hour holds nothing of
// her admin session but StopLogging and AssumeRole.
func saraDay(l *trailLog, d time.Time, n uint64) {
	r := newRand("sara", n)
	incident := d.Equal(IncidentHour.Truncate(day))
	chain := slices.ContainsFunc(saraChainDays, d.Equal)
	if !incident && !chain && (weekend(d) || chance(r, 0.15)) {
		return
	}
	ips := SaraBellevueIPs
	if !incident && chance(r, 0.25) {
		ips = SaraAshburnIPs
	}
	ip := oneOf(r, ips[:]...)
	login := d.Add(15*time.Hour + time.Duration(r.IntN(150*60))*time.Second)
	end := login.Add(time.Duration(between(r, 60, 480)) * time.Minute)
	if limit := d.Add(25 * time.Hour); end.After(limit) {
		end = limit
	}
	if incident {
		ip = SaraIncidentIP
		login, end = d.Add(15*time.Hour+8*time.Minute+31*time.Second), d.Add(16*time.Hour+55*time.Minute)
	}
	s := saraSignIn(l, r, login, ip, tempKey(r))
	calls := spread(r, login.Add(time.Minute), end, between(r, 5, 40))
	chainAt := -1
	if chain {
		chainAt = len(calls) / 2
	}
	for i, t := range calls {
		p := saraCaller(r, s, ip)
		if i == chainAt {
			saraChain(l, r, p, t)
			continue
		}
		a := saraAPIs.pick(r)
		e := l.call(r, p, t, Region, a.source, a.name, a.req(r))
		if chance(r, 0.04) {
			e.deny(a.action(), "*")
		}
	}
}

// saraCaller is session s calling from ip, in the console mostly and with
// the CLI sometimes.
func saraCaller(r *rand.Rand, s session, ip string) principal {
	if chance(r, 0.15) {
		return s.caller(ip, SaraCLIUserAgent)
	}
	p := s.caller(ip, SaraConsoleUserAgent)
	p.console = true
	return p
}

// saraChain is sara switching from her admin session to DemoRole1 on an
// ordinary day and looking at instances for a while.
func saraChain(l *trailLog, r *rand.Rand, admin principal, t time.Time) {
	_, s := l.assumeRole(r, admin, t, demoRole, SaraUser, tempKey(r), time.Hour)
	p := s.caller(admin.ip, admin.userAgent)
	p.console = admin.console
	for _, ct := range spread(r, t.Add(20*time.Second), t.Add(25*time.Minute), between(r, 3, 8)) {
		a := saraDemoAPIs.pick(r)
		l.call(r, p, ct, Region, a.source, a.name, a.req(r))
	}
}

// aliceDay is alice's ordinary weekday with her access key, now and then
// over IPv6 or in another Region, and on Mondays patching as DemoRole1.
func aliceDay(l *trailLog, d time.Time, n uint64) {
	r := newRand("alice", n)
	if weekend(d) || chance(r, 0.1) {
		return
	}
	ip := AliceIP
	if chance(r, 0.12) {
		ip = AliceIPv6
	}
	p := alice.caller(ip, aliceUserAgent)
	start := d.Add(16*time.Hour + time.Duration(r.IntN(90*60))*time.Second)
	for _, t := range spread(r, start, d.Add(23*time.Hour), between(r, 10, 30)) {
		a := aliceAPIs.pick(r)
		region := Region
		if chance(r, 0.08) {
			region = OtherRegion
		}
		l.call(r, p, t, region, a.source, a.name, a.req(r))
	}
	if d.Weekday() != time.Monday || d.Before(LaunchTime) {
		return
	}
	t := d.Add(21*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	_, s := l.assumeRole(r, p, t, demoRole, "alice-maint", tempKey(r), time.Hour)
	sp := s.caller(ip, aliceUserAgent)
	for _, ct := range spread(r, t.Add(30*time.Second), t.Add(40*time.Minute), between(r, 3, 6)) {
		a := aliceMaintAPIs.pick(r)
		l.call(r, sp, ct, Region, a.source, a.name, a.req(r))
	}
}

// deployDay is OtherAccount's release on Tuesdays and Thursdays: bob
// assumes Deployer in his account, which assumes DemoRole1 in the member
// account. Both accounts log that AssumeRole, joined by sharedEventID.
func deployDay(l *trailLog, d time.Time, n uint64) {
	if d.Weekday() != time.Tuesday && d.Weekday() != time.Thursday {
		return
	}
	r := newRand("deploy", n)
	t := d.Add(19*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	_, dep := l.assumeRole(r, bob.caller(BobIP, bobUserAgent), t, deployerRole, "deploy", tempKey(r), time.Hour)
	dp := dep.caller(BobIP, bobUserAgent)
	l.call(r, dp, t.Add(20*time.Second), Region, "cloudformation.amazonaws.com", "DescribeStacks", params{"stackName": "demo-pipeline"})
	at, key := t.Add(45*time.Second), tempKey(r)
	callerCopy, _ := l.assumeRole(r, dp, at, demoRole, "deploy", key, time.Hour)
	_, s := l.crossAccount(r, callerCopy, OtherAccount, DeployerSession, BobIP, bobUserAgent, at, demoRole, "deploy", key)
	sp := s.caller(BobIP, bobUserAgent)
	for _, ct := range spread(r, at.Add(10*time.Second), at.Add(12*time.Minute), between(r, 3, 7)) {
		a := deployAPIs.pick(r)
		l.call(r, sp, ct, Region, a.source, a.name, a.req(r))
	}
}

// auditVisit is UnloggedAccount assuming DemoRole1: only the member
// account's copy of that AssumeRole exists.
func auditVisit(l *trailLog, d time.Time, n uint64) {
	r := newRand("audit", n)
	t := d.Add(14*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	_, s := l.crossAccount(r, nil, UnloggedAccount, UnloggedCallerRoleID+":audit", UnloggedCallerIP, auditUserAgent, t, demoRole, "audit", tempKey(r))
	p := s.caller(UnloggedCallerIP, auditUserAgent)
	for _, ct := range spread(r, t.Add(5*time.Second), t.Add(10*time.Minute), between(r, 4, 9)) {
		a := auditAPIs.pick(r)
		l.call(r, p, ct, Region, a.source, a.name, a.req(r))
	}
}

// servicesDay is AWS acting on the account: CloudTrail checking its
// bucket while the account trail logs (source "cloudtrail.amazonaws.com"),
// and a KMS decrypt whose source is "AWS Internal". Neither is an address.
func servicesDay(l *trailLog, d time.Time, n uint64) {
	r := newRand("services", n)
	if t := d.Add(3*time.Hour + time.Duration(r.IntN(3600))*time.Second); t.Before(StopLoggingTime) {
		e := l.call(r, service("cloudtrail.amazonaws.com"), t, Region, "s3.amazonaws.com", "GetBucketAcl", params{
			"bucketName": AccountTrailBucket, "Host": AccountTrailBucket + ".s3.amazonaws.com", "acl": "",
		})
		e.Resources = []resource{{ARN: "arn:aws:s3:::" + AccountTrailBucket, AccountID: MemberAccount, Type: "AWS::S3::Bucket"}}
	}
	t := d.Add(5*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	e := l.call(r, service("AWS Internal"), t, Region, "kms.amazonaws.com", "Decrypt", params{
		"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
		"encryptionContext":   params{"aws:s3:arn": "arn:aws:s3:::" + WebAssetsBucket},
	})
	e.Resources = []resource{{
		ARN:       "arn:aws:kms:us-east-1:" + MemberAccount + ":key/0de0a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b",
		AccountID: MemberAccount, Type: "AWS::KMS::Key",
	}}
}

// instanceProfiles records both instances' profile sessions from launch:
// EC2 renews the credentials every six hours, and between renewals the web
// server reads and writes its assets bucket every hour and the app
// server's agent reports in every two, from their private addresses.
func instanceProfiles(l *trailLog) {
	first := LaunchTime.Add(2 * time.Minute)
	for k := uint64(0); ; k++ {
		start := first.Add(time.Duration(k) * 6 * time.Hour)
		if !start.Before(HistoryEnd) {
			return
		}
		r := newRand("web", k)
		web := l.instanceProfile(r, start, webRole, Instance)
		for h := range 6 {
			from := start.Add(time.Duration(h) * time.Hour)
			for _, t := range spread(r, from.Add(time.Minute), from.Add(time.Hour), between(r, 1, 2)) {
				if t.Before(HistoryEnd) {
					webAsset(l, r, web, t)
				}
			}
		}
		r = newRand("app", k)
		app := l.instanceProfile(r, start.Add(40*time.Second), demoRole, AppInstance)
		p := app.caller(AppInstanceIP, ssmUserAgent)
		for h := 0; h < 6; h += 2 {
			t := start.Add(time.Duration(h)*time.Hour + time.Duration(between(r, 120, 7000))*time.Second)
			if t.Before(HistoryEnd) {
				l.call(r, p, t, Region, "ssm.amazonaws.com", "UpdateInstanceInformation", params{
					"instanceId": AppInstance, "agentVersion": "3.3.859.0", "agentStatus": "Active",
					"platformType": "Linux", "platformName": "Amazon Linux", "platformVersion": "2023",
					"iPAddress": AppInstanceIP, "computerName": dnsName(AppInstanceIP),
				})
			}
		}
	}
}

// webAsset is one S3 data event of the web server's session.
func webAsset(l *trailLog, r *rand.Rand, s session, t time.Time) {
	name, key := "GetObject", "assets/img/"+pick(r, lower+digits, 10)+".webp"
	in, out := 0, between(r, 2_000, 900_000)
	if chance(r, 0.3) {
		name, key = "PutObject", "uploads/"+t.Format("2006/01/02")+"/"+uuid(r)+".json"
		in, out = between(r, 300, 40_000), 0
	}
	e := l.call(r, s.caller(InstanceIP, webUserAgent), t, Region, "s3.amazonaws.com", name, params{
		"bucketName": WebAssetsBucket, "Host": WebAssetsBucket + ".s3.us-east-1.amazonaws.com", "key": key,
	})
	e.ManagementEvent, e.EventCategory, e.ReadOnly = false, "Data", name == "GetObject"
	e.RequestID = pick(r, upper+digits, 16)
	e.AdditionalEventData = params{
		"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "AuthenticationMethod": "AuthHeader",
		"bytesTransferredIn": in, "bytesTransferredOut": out,
	}
	e.Resources = []resource{
		{ARN: "arn:aws:s3:::" + WebAssetsBucket + "/" + key, Type: "AWS::S3::Object"},
		{ARN: "arn:aws:s3:::" + WebAssetsBucket, AccountID: MemberAccount, Type: "AWS::S3::Bucket"},
	}
}

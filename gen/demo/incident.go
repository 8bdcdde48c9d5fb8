package demo

import (
	"crypto/sha1"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"time"
)

const (
	samlIssuer   = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIzNDU2Nzg5MDEyX2lucy0wMTIzNDU2Nzg5YWJjZGVm"
	samlAudience = "https://signin.aws.amazon.com/saml"
)

// nameQualifier is how STS names a SAML user's provider:
// BASE64(SHA1(issuer + account + "/" + provider name)). CloudTrail logs it
// as the SAML user's identityProvider and the first half of its principalId;
// the provider's ARN is in requestParameters.principalArn.
func nameQualifier() string {
	name := SAMLProviderARN[strings.LastIndexByte(SAMLProviderARN, '/'):]
	sum := sha1.Sum([]byte(samlIssuer + MemberAccount + name))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// saraSignIn records Identity Center signing sara in to the admin role
// (AssumeRoleWithSAML, called by her browser) and returns the session.
func saraSignIn(l *trailLog, r *rand.Rand, t time.Time, ip, key string) session {
	nq := nameQualifier()
	p := principal{
		identity: userIdentity{Type: "SAMLUser", PrincipalID: nq + ":" + SaraUser, UserName: SaraUser, IdentityProvider: nq},
		ip:       ip, userAgent: SaraBrowserUserAgent, account: MemberAccount,
	}
	s := session{role: adminRole, name: SaraUser, key: key, created: t}
	const duration = 12 * time.Hour
	e := l.call(r, p, t, Region, "sts.amazonaws.com", "AssumeRoleWithSAML", params{
		"sAMLAssertionID": "_" + uuid(r), "roleSessionName": SaraUser, "roleArn": AdminRoleARN,
		"principalArn": SAMLProviderARN, "durationSeconds": int(duration.Seconds()),
	})
	e.ResponseElements = params{
		"credentials":     params{"accessKeyId": key, "expiration": expiration(t.Add(duration))},
		"assumedRoleUser": params{"assumedRoleId": s.assumedRoleID(), "arn": s.arn()},
		"subject":         SaraUser, "subjectType": "persistent", "issuer": samlIssuer,
		"audience": samlAudience, "nameQualifier": nq,
	}
	e.Resources = []resource{
		{ARN: AdminRoleARN, AccountID: MemberAccount, Type: "AWS::IAM::Role"},
		{ARN: SAMLProviderARN, AccountID: MemberAccount, Type: "AWS::IAM::SAMLProvider"},
	}
	return s
}

// incident records the hour the role-session walkthrough investigates:
// sara signs in from her usual Bellevue address, stops demo-trail-2,
// chains into DemoRole1 and, as DemoRole1, looks at instances, launches
// one and tries (twice in vain, then successfully) to give DemoRole1
// AdministratorAccess.
func incident(l *trailLog) {
	r := newRand("incident", 0)
	admin := saraSignIn(l, r, SaraSAMLTime, SaraIncidentIP, IncidentAdminKey)
	p := admin.caller(SaraIncidentIP, SaraConsoleUserAgent)
	p.console = true
	l.call(r, p, StopLoggingTime, Region, "cloudtrail.amazonaws.com", "StopLogging", params{"name": AccountTrailARN}).
		EventID = StopLoggingEventID
	e, demo := l.assumeRole(r, p, ChainTime, demoRole, SaraUser, IncidentDemoKey, time.Hour)
	e.EventID = IncidentAssumeEventID

	dp := demo.caller(SaraIncidentIP, SaraConsoleUserAgent)
	dp.console = true
	at := func(m, s int) time.Time {
		return IncidentHour.Add(time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	for _, t := range []time.Time{at(9, 52), at(12, 30), at(15, 5)} {
		l.call(r, dp, t, Region, "ec2.amazonaws.com", "DescribeInstances", describe("instancesSet")(r))
	}
	l.runInstances(r, dp, at(18, 44), newInstance).EventID = IncidentRunInstancesID
	attach := params{"roleName": DemoRoleName, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
	denied := []time.Time{at(24, 10), at(25, 2)}
	for _, t := range denied[:IncidentAttachFailures] {
		l.call(r, dp, t, Region, "iam.amazonaws.com", "AttachRolePolicy", attach).
			deny("iam:AttachRolePolicy", DemoRoleARN)
	}
	for i := 0; i < IncidentAttachSuccesses; i++ {
		l.call(r, dp, at(31+i, 47), Region, "iam.amazonaws.com", "AttachRolePolicy", attach)
	}
	l.call(r, dp, at(36, 20), Region, "ec2.amazonaws.com", "DescribeInstances", describe("instancesSet")(r))
}

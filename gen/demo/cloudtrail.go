package demo

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"
)

// event is one CloudTrail record, its fields in the order CloudTrail
// writes them. Free-form parts (parameters, responses) are maps, which
// encoding/json writes with sorted keys, so the bytes never vary.
type event struct {
	EventVersion                 string       `json:"eventVersion"`
	UserIdentity                 userIdentity `json:"userIdentity"`
	EventTime                    string       `json:"eventTime"`
	EventSource                  string       `json:"eventSource"`
	EventName                    string       `json:"eventName"`
	AWSRegion                    string       `json:"awsRegion"`
	SourceIPAddress              string       `json:"sourceIPAddress"`
	UserAgent                    string       `json:"userAgent"`
	ErrorCode                    string       `json:"errorCode,omitempty"`
	ErrorMessage                 string       `json:"errorMessage,omitempty"`
	RequestParameters            any          `json:"requestParameters"`
	ResponseElements             any          `json:"responseElements"`
	AdditionalEventData          any          `json:"additionalEventData,omitempty"`
	RequestID                    string       `json:"requestID"`
	EventID                      string       `json:"eventID"`
	ReadOnly                     bool         `json:"readOnly"`
	Resources                    []resource   `json:"resources,omitempty"`
	EventType                    string       `json:"eventType"`
	ManagementEvent              bool         `json:"managementEvent"`
	RecipientAccountID           string       `json:"recipientAccountId"`
	SharedEventID                string       `json:"sharedEventID,omitempty"`
	EventCategory                string       `json:"eventCategory"`
	TLSDetails                   *tlsDetails  `json:"tlsDetails,omitempty"`
	SessionCredentialFromConsole string       `json:"sessionCredentialFromConsole,omitempty"`

	when time.Time
}

type userIdentity struct {
	Type             string          `json:"type"`
	PrincipalID      string          `json:"principalId,omitempty"`
	ARN              string          `json:"arn,omitempty"`
	AccountID        string          `json:"accountId,omitempty"`
	AccessKeyID      string          `json:"accessKeyId,omitempty"`
	UserName         string          `json:"userName,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	SessionContext   *sessionContext `json:"sessionContext,omitempty"`
	InvokedBy        string          `json:"invokedBy,omitempty"`
}

type sessionContext struct {
	SessionIssuer   sessionIssuer     `json:"sessionIssuer"`
	Attributes      sessionAttributes `json:"attributes"`
	EC2RoleDelivery string            `json:"ec2RoleDelivery,omitempty"`
}

type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type sessionAttributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

type resource struct {
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
}

type tlsDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// params is a request or response body.
type params = map[string]any

// principal is a caller: who it is, where it calls from, with what, and
// which account's trail records its calls.
type principal struct {
	identity  userIdentity
	ip        string
	userAgent string
	account   string
	console   bool
}

// role is an IAM role.
type role struct{ name, arn, id, account string }

var (
	adminRole    = role{AdminRoleName, AdminRoleARN, AdminRoleID, MemberAccount}
	demoRole     = role{DemoRoleName, DemoRoleARN, DemoRoleID, MemberAccount}
	webRole      = role{WebServerRoleName, WebServerRoleARN, WebServerRoleID, MemberAccount}
	deployerRole = role{DeployerRoleName, DeployerRoleARN, DeployerRoleID, OtherAccount}
)

// session is one assumption of a role: its temporary key and when it began.
type session struct {
	role    role
	name    string
	key     string
	created time.Time
	ec2     bool
}

func (s session) assumedRoleID() string { return s.role.id + ":" + s.name }
func (s session) arn() string {
	return "arn:aws:sts::" + s.role.account + ":assumed-role/" + s.role.name + "/" + s.name
}

func (s session) identity() userIdentity {
	ctx := &sessionContext{
		SessionIssuer: sessionIssuer{
			Type: "Role", PrincipalID: s.role.id, ARN: s.role.arn,
			AccountID: s.role.account, UserName: s.role.name,
		},
		Attributes: sessionAttributes{CreationDate: stamp(s.created), MFAAuthenticated: "false"},
	}
	if s.ec2 {
		ctx.EC2RoleDelivery = "2.0"
	}
	return userIdentity{
		Type: "AssumedRole", PrincipalID: s.assumedRoleID(), ARN: s.arn(),
		AccountID: s.role.account, AccessKeyID: s.key, SessionContext: ctx,
	}
}

// caller is the session calling from ip with userAgent.
func (s session) caller(ip, userAgent string) principal {
	return principal{identity: s.identity(), ip: ip, userAgent: userAgent, account: s.role.account}
}

// iamUser is an IAM user with one long-term access key.
type iamUser struct{ account, name, id, key string }

func (u iamUser) caller(ip, userAgent string) principal {
	return principal{
		identity: userIdentity{
			Type: "IAMUser", PrincipalID: u.id, ARN: "arn:aws:iam::" + u.account + ":user/" + u.name,
			AccountID: u.account, AccessKeyID: u.key, UserName: u.name,
		},
		ip: ip, userAgent: userAgent, account: u.account,
	}
}

var (
	alice    = iamUser{MemberAccount, "alice", AliceID, AliceAccessKey}
	bob      = iamUser{OtherAccount, "bob", BobID, BobAccessKey}
	orgAdmin = iamUser{OrgAccount, "org-admin", OrgAdminID, OrgAdminAccessKey}
)

// service is an AWS service calling on the member account's behalf; its
// source address is its own name (or "AWS Internal"), never an IP.
func service(name string) principal {
	return principal{
		identity: userIdentity{Type: "AWSService", InvokedBy: name},
		ip:       name, userAgent: name, account: MemberAccount,
	}
}

// stamp is CloudTrail's time format.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// expiration is how STS responses print a credential's expiry.
func expiration(t time.Time) string { return t.UTC().Format("Jan 2, 2006, 3:04:05 PM") }

// trailLog collects the scenario's CloudTrail events as they are made.
type trailLog struct {
	events []*event
}

// call records p calling name on source at t and returns the event for the
// caller to add a response, an error or resources.
func (l *trailLog) call(r *rand.Rand, p principal, t time.Time, region, source, name string, req any) *event {
	e := &event{
		EventVersion:       "1.10",
		UserIdentity:       p.identity,
		EventTime:          stamp(t),
		EventSource:        source,
		EventName:          name,
		AWSRegion:          region,
		SourceIPAddress:    p.ip,
		UserAgent:          p.userAgent,
		RequestParameters:  req,
		RequestID:          uuid(r),
		EventID:            uuid(r),
		ReadOnly:           readOnly(name),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: p.account,
		EventCategory:      "Management",
		when:               t,
	}
	if _, err := netip.ParseAddr(p.ip); err == nil {
		e.TLSDetails = &tlsDetails{
			TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: host(source, region),
		}
	}
	if p.console {
		e.SessionCredentialFromConsole = "true"
	}
	l.events = append(l.events, e)
	return e
}

// deny makes e a failed call.
func (e *event) deny(action, resource string) *event {
	e.ErrorCode = "AccessDenied"
	e.ErrorMessage = "User: " + e.UserIdentity.ARN + " is not authorized to perform: " + action +
		" on resource: " + resource + " because no identity-based policy allows the " + action + " action"
	return e
}

// assumeRole records p assuming rl as sessionName with the new key, and
// returns the event and the session it created.
func (l *trailLog) assumeRole(r *rand.Rand, p principal, t time.Time, rl role, sessionName, key string, duration time.Duration) (*event, session) {
	s := session{role: rl, name: sessionName, key: key, created: t}
	e := l.call(r, p, t, Region, "sts.amazonaws.com", "AssumeRole", params{
		"roleArn": rl.arn, "roleSessionName": sessionName, "durationSeconds": int(duration.Seconds()),
	})
	e.ResponseElements = params{
		"credentials":     params{"accessKeyId": key, "expiration": expiration(t.Add(duration))},
		"assumedRoleUser": params{"assumedRoleId": s.assumedRoleID(), "arn": s.arn()},
	}
	e.Resources = []resource{{ARN: rl.arn, AccountID: rl.account, Type: "AWS::IAM::Role"}}
	return e, s
}

// instanceProfile records EC2 delivering rl's credentials to instance and
// returns the instance's session: started by ec2.amazonaws.com, named after
// the instance.
func (l *trailLog) instanceProfile(r *rand.Rand, t time.Time, rl role, instance string) session {
	e, s := l.assumeRole(r, service("ec2.amazonaws.com"), t, rl, instance, tempKey(r), 6*time.Hour)
	e.SharedEventID = uuid(r)
	s.ec2 = true
	return s
}

// crossAccount records the copy of a cross-account AssumeRole that the
// role's account receives: the caller reduced to its account and principal
// id, the same request and sharedEventID, its own eventID. callerCopy is
// the caller account's copy, or nil when no log holds it.
func (l *trailLog) crossAccount(r *rand.Rand, callerCopy *event, callerAccount, callerPrincipalID, ip, userAgent string, t time.Time, rl role, sessionName, key string) (*event, session) {
	p := principal{
		identity: userIdentity{Type: "AWSAccount", PrincipalID: callerPrincipalID, AccountID: callerAccount},
		ip:       ip, userAgent: userAgent, account: rl.account,
	}
	e, s := l.assumeRole(r, p, t, rl, sessionName, key, time.Hour)
	if callerCopy != nil {
		e.RequestID = callerCopy.RequestID
		e.RequestParameters = callerCopy.RequestParameters
		e.ResponseElements = callerCopy.ResponseElements
		callerCopy.SharedEventID = uuid(r)
		e.SharedEventID = callerCopy.SharedEventID
	} else {
		e.SharedEventID = uuid(r)
	}
	return e, s
}

// readOnly is CloudTrail's readOnly for the scenario's API names.
func readOnly(name string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Lookup", "Head", "AssumeRole", "Decrypt", "GenerateDataKey"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// host is the endpoint a client names in TLS for source in region.
func host(source, region string) string {
	svc := strings.TrimSuffix(source, ".amazonaws.com")
	if svc == "iam" {
		return "iam.amazonaws.com"
	}
	return svc + "." + region + ".amazonaws.com"
}

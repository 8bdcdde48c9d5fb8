package graph

import (
	"testing"
	"time"
)

const (
	acct      = "123456789012"
	adminID   = "AROA3EXAMPLEADMIN0001"
	adminRole = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_598c5f73f8b2b4e5"
	demoRole  = "arn:aws:iam::123456789012:role/DemoRole1"
)

var t0 = time.Date(2026, 10, 14, 17, 5, 0, 0, time.UTC)

func adminSession() Identity {
	return Identity{Type: "AssumedRole", PrincipalID: adminID + ":sara", AccountID: acct,
		ARN:         "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_598c5f73f8b2b4e5/sara",
		AccessKeyID: "ASIAEXAMPLE000000001", IssuerType: "Role", IssuerPrincipalID: adminID, IssuerARN: adminRole}
}

func hasEdge(a Attribution, from Entity, rel Relation, to Entity) bool {
	for _, e := range a.Edges {
		if e.From.Kind == from.Kind && e.From.Key == from.Key && e.Rel == rel && e.To.Kind == to.Kind && e.To.Key == to.Key {
			return true
		}
	}
	return false
}

func TestAttributeSSOSessionStartedByItsUser(t *testing.T) {
	c := &APICall{EventID: "e1", Time: t0, Account: acct, Name: "StopLogging", SourceIP: "192.0.2.10",
		UserAgent: "console", Identity: adminSession()}
	a := Attribute(c)
	session := Entity{Kind: KindSession, Key: adminID + ":sara"}
	if a.Principal.Kind != KindSession || a.Principal.Key != session.Key || a.Principal.Account != acct {
		t.Fatalf("principal = %+v", a.Principal)
	}
	role := Entity{Kind: KindRole, Key: "arn:aws:iam::123456789012:role/AWSReservedSSO_AdministratorAccess_598c5f73f8b2b4e5"}
	if !hasEdge(a, session, RelAssumed, role) {
		t.Errorf("no session -> role edge (path must be dropped from the role key): %+v", a.Edges)
	}
	if !hasEdge(a, session, RelStartedBy, Entity{Kind: KindFederated, Key: "sso:sara"}) {
		t.Errorf("SSO session not started by sso:sara: %+v", a.Edges)
	}
	if a.Source.Kind != KindIP || a.Source.Key != "192.0.2.10" {
		t.Errorf("source = %+v", a.Source)
	}
}

func TestAttributeRoleChaining(t *testing.T) {
	c := &APICall{EventID: "e2", Time: t0, Account: acct, Name: "AssumeRole", SourceIP: "192.0.2.10",
		Identity: adminSession(), Assume: &Assumption{RoleARN: demoRole, SessionName: "sara",
			AssumedRoleID: "AROA3EXAMPLEDEMO00001:sara", AccessKeyID: "ASIAEXAMPLE000000002"}}
	a := Attribute(c)
	caller := Entity{Kind: KindSession, Key: adminID + ":sara"}
	chained := Entity{Kind: KindSession, Key: "AROA3EXAMPLEDEMO00001:sara"}
	for _, want := range []Edge{
		{chained, RelAssumed, Entity{Kind: KindRole, Key: demoRole}},
		{chained, RelStartedBy, caller},
		{caller, RelChained, chained},
		{chained, RelIssuedKey, Entity{Kind: KindAccessKey, Key: "ASIAEXAMPLE000000002"}},
		{Entity{Kind: KindAccessKey, Key: "ASIAEXAMPLE000000002"}, RelStartedBy, caller},
	} {
		if !hasEdge(a, want.From, want.Rel, want.To) {
			t.Errorf("missing %s -%s-> %s", want.From, want.Rel, want.To)
		}
	}
}

func TestAttributeStarters(t *testing.T) {
	tests := []struct {
		name    string
		id      Identity
		session string
		want    Entity
		rel     Relation
	}{
		{"IAM user", Identity{Type: "IAMUser", UserName: "alice", AccountID: acct}, "alice-maint",
			Entity{Kind: KindUser, Key: "arn:aws:iam::123456789012:user/alice"}, RelStartedBy},
		{"instance profile", Identity{Type: "AWSService", InvokedBy: "ec2.amazonaws.com"}, "i-0aaaabbbbcccc0001",
			Entity{Kind: KindInstance, Key: "i-0aaaabbbbcccc0001"}, RelStartedBy},
		{"cross-account, caller unnamed", Identity{Type: "AWSAccount", PrincipalID: "AIDAEXAMPLE", AccountID: "777788889999"}, "x",
			Entity{Kind: KindAccount, Key: "777788889999"}, RelCrossAcct},
		{"SAML", Identity{Type: "SAMLUser", UserName: "bob", IdentityProvider: "arn:aws:iam::123456789012:saml-provider/Okta"}, "bob",
			Entity{Kind: KindFederated, Key: "saml:Okta:bob"}, RelStartedBy},
		{"web identity", Identity{Type: "WebIdentityUser", UserName: "sub-1", IdentityProvider: "accounts.google.com"}, "app",
			Entity{Kind: KindFederated, Key: "web:accounts.google.com:sub-1"}, RelStartedBy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &APICall{EventID: "e", Time: t0, Account: acct, Name: "AssumeRole", Identity: tt.id,
				Assume: &Assumption{RoleARN: demoRole, AssumedRoleID: "AROA3EXAMPLEDEMO00001:" + tt.session}}
			a := Attribute(c)
			session := Entity{Kind: KindSession, Key: "AROA3EXAMPLEDEMO00001:" + tt.session}
			if !hasEdge(a, session, tt.rel, tt.want) {
				t.Errorf("missing %s -%s-> %s in %+v", session, tt.rel, tt.want, a.Edges)
			}
		})
	}
}

func TestAttributeFailedAssumeCreatesNoSession(t *testing.T) {
	c := &APICall{EventID: "e", Time: t0, Account: acct, Name: "AssumeRole", ErrorCode: "AccessDenied", Failed: true,
		Identity: adminSession(), Assume: &Assumption{RoleARN: demoRole}}
	for _, e := range Attribute(c).Edges {
		if e.Rel == RelChained {
			t.Fatalf("failed AssumeRole chained: %+v", e)
		}
	}
}

func TestAttributeServiceSourceIsNotAnIP(t *testing.T) {
	for _, src := range []string{"ec2.amazonaws.com", "AWS Internal"} {
		c := &APICall{EventID: "e", Time: t0, Account: acct, SourceIP: src,
			Identity: Identity{Type: "AWSService", InvokedBy: "ec2.amazonaws.com"}}
		a := Attribute(c)
		if a.Source.Kind != KindService || a.Source.Key != src {
			t.Errorf("%q: source = %+v", src, a.Source)
		}
	}
	c := &APICall{EventID: "e", Time: t0, Account: acct, SourceIP: "2001:db8::1", Identity: Identity{Type: "Root", AccountID: acct}}
	if a := Attribute(c); a.Source.Kind != KindIP || a.Principal.Key != "arn:aws:iam::123456789012:root" {
		t.Errorf("IPv6 root call: %+v", a)
	}
}

func TestAttributeRunInstancesAssignsAddresses(t *testing.T) {
	c := &APICall{EventID: "e", Time: t0, Account: acct, Name: "RunInstances", Identity: adminSession(),
		Launched: []LaunchedInstance{{InstanceID: "i-0badc0ffee0000001", VPC: "vpc-1", ENIs: []string{"eni-1"}, PrivateIPs: []string{"172.16.0.99"}}}}
	a := Attribute(c)
	if len(a.Assignments) != 1 || a.Assignments[0].IP != "172.16.0.99" || !a.Assignments[0].From.Equal(t0.Truncate(time.Hour)) {
		t.Fatalf("assignments = %+v", a.Assignments)
	}
	if !hasEdge(a, a.Principal, RelLaunched, Entity{Kind: KindInstance, Key: "i-0badc0ffee0000001"}) {
		t.Error("no launched edge")
	}
}

func TestParseRoleARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::1:role/R":                 "R",
		"arn:aws:iam::1:role/a/b/R":             "R",
		"arn:aws:sts::1:assumed-role/R/session": "R",
		"arn:aws:iam::1:user/u":                 "",
		"not an arn":                            "",
	} {
		_, got, _ := ParseRoleARN(in)
		if got != want {
			t.Errorf("ParseRoleARN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAttributeSAMLProviderFromPrincipalARN(t *testing.T) {
	c := &APICall{EventID: "e", Time: t0, Account: acct, Name: "AssumeRoleWithSAML",
		Identity: Identity{Type: "SAMLUser", UserName: "bob", IdentityProvider: "a1b2c3hashedqualifier="},
		Assume: &Assumption{RoleARN: demoRole, AssumedRoleID: "AROA3EXAMPLEDEMO00001:bob",
			Provider: "arn:aws:iam::123456789012:saml-provider/Okta"}}
	a := Attribute(c)
	if a.Principal.Key != "saml:Okta:bob" {
		t.Errorf("principal = %s, want saml:Okta:bob", a.Principal)
	}
}

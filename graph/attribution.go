package graph

import (
	"strings"
	"time"
)

// Attribution is what one API call says about the graph: who made it, from
// where, with what, and the entities and relationships it reveals beyond
// the call itself. That the principal used its source, key and user agent
// is in the call's aggregate row; the store derives those edges from rows,
// once per row instead of once per call.
type Attribution struct {
	// Principal made the call. It is never zero: a caller that names
	// nobody is attributed to its account.
	Principal Entity
	// Source is the caller's IP address, or the AWS service when
	// sourceIPAddress names one.
	Source    Entity
	AccessKey Entity
	UserAgent Entity
	// Entities and Edges are everything else the call reveals.
	Entities    []Entity
	Edges       []Edge
	Assignments []Assignment
}

// Attribute applies DESIGN.md's attribution rules to one call.
func Attribute(c *APICall) Attribution {
	id := c.Identity
	if id.Type == "SAMLUser" && c.Assume != nil && strings.Contains(c.Assume.Provider, ":saml-provider/") {
		// CloudTrail's identityProvider for a SAML user is a hashed name
		// qualifier; the request's principalArn names the provider.
		id.IdentityProvider = c.Assume.Provider
	}
	a := Attribution{Principal: principalOf(&id, c.Account)}
	if addr, svc := ParseSourceIP(c.SourceIP); addr.IsValid() {
		a.Source = Entity{Kind: KindIP, Key: addr.String()}
	} else if svc != "" {
		a.Source = serviceEntity(svc)
	}
	if c.Identity.AccessKeyID != "" {
		a.AccessKey = accessKeyEntity(c.Identity.AccessKeyID, a.Principal.Account)
	}
	if c.UserAgent != "" {
		a.UserAgent = Entity{Kind: KindUserAgent, Key: c.UserAgent}
	}
	a.addSessionFacts(&c.Identity)
	if c.Assume != nil && !c.Failed {
		a.addAssumption(c)
	}
	if c.Bucket != "" {
		a.addEdge(a.Principal, RelTouched, Entity{Kind: KindBucket, Key: c.Bucket})
	}
	if c.NewAccessKey != "" && !c.Failed {
		owner := a.Principal
		if c.NewKeyUser != "" {
			owner = Entity{Kind: KindUser, Key: UserKey(c.Account, c.NewKeyUser), Account: c.Account}
		}
		a.addEdge(owner, RelIssuedKey, accessKeyEntity(c.NewAccessKey, c.Account))
	}
	for _, l := range c.Launched {
		a.addLaunch(c, l)
	}
	return a
}

// principalOf names the caller from userIdentity.
func principalOf(id *Identity, recipient string) Entity {
	acct := id.AccountID
	if acct == "" {
		acct = recipient
	}
	switch id.Type {
	case "IAMUser":
		if id.UserName != "" {
			return Entity{Kind: KindUser, Key: UserKey(acct, id.UserName), Account: acct}
		}
	case "Root":
		return Entity{Kind: KindUser, Key: RootKey(acct), Account: acct}
	case "AssumedRole":
		if roleID, name, ok := strings.Cut(id.PrincipalID, ":"); ok && roleID != "" && name != "" {
			return Entity{Kind: KindSession, Key: SessionKey(roleID, name), Account: acct}
		}
	case "FederatedUser":
		if _, name, ok := strings.Cut(id.PrincipalID, ":"); ok && name != "" {
			return Entity{Kind: KindFederated, Key: FedKey(acct, name), Account: acct}
		}
	case "AWSService":
		if id.InvokedBy != "" {
			return serviceEntity(id.InvokedBy)
		}
	case "SAMLUser":
		return federatedFromSAML(id.IdentityProvider, id.UserName)
	case "WebIdentityUser":
		return Entity{Kind: KindFederated, Key: WebKey(id.IdentityProvider, id.UserName)}
	case "IdentityCenterUser":
		if id.UserName != "" {
			return Entity{Kind: KindFederated, Key: SSOKey(id.UserName)}
		}
	}
	if id.Type != "AWSAccount" && (id.UserName != "" || id.PrincipalID != "") {
		name := id.UserName
		if name == "" {
			name = id.PrincipalID
		}
		return Entity{Kind: KindFederated, Key: unknownKey(acct, name), Account: acct}
	}
	// AWSAccount (a principal of another account that CloudTrail does not
	// name here) and anything unreadable: the account is all we know.
	return accountEntity(acct)
}

// federatedFromSAML names a SAML user; Identity Center's own provider
// makes the user an Identity Center (sso:) user.
func federatedFromSAML(providerARN, user string) Entity {
	provider := samlProviderName(providerARN)
	if isIdentityCenterProvider(provider) {
		return Entity{Kind: KindFederated, Key: SSOKey(user)}
	}
	return Entity{Kind: KindFederated, Key: SAMLKey(provider, user)}
}

// addSessionFacts links a session caller to its role and, where the role
// or credentials say who started it without an AssumeRole event in sight,
// to its starter: the Identity Center user a permission-set session is
// named after, or the instance an instance-profile session is named after.
func (a *Attribution) addSessionFacts(id *Identity) {
	if a.Principal.Kind != KindSession {
		return
	}
	roleAcct, roleName, ok := ParseRoleARN(id.IssuerARN)
	if !ok {
		roleAcct, roleName, ok = ParseRoleARN(id.ARN)
	}
	if !ok {
		return
	}
	role := Entity{Kind: KindRole, Key: RoleKey(roleAcct, roleName), Account: roleAcct}
	a.addEdge(a.Principal, RelAssumed, role)
	_, sessionName, _ := strings.Cut(a.Principal.Key, ":")
	if starter := impliedStarter(roleName, sessionName, id.EC2RoleDelivery); !starter.IsZero() {
		a.addEdge(a.Principal, RelStartedBy, starter)
	}
}

// impliedStarter is the starter that a session's role and name imply.
func impliedStarter(roleName, sessionName string, ec2Delivery bool) Entity {
	switch {
	case IsSSORole(roleName):
		return Entity{Kind: KindFederated, Key: SSOKey(sessionName)}
	case IsInstanceID(sessionName) || (ec2Delivery && strings.HasPrefix(sessionName, "i-")):
		return Entity{Kind: KindInstance, Key: sessionName}
	}
	return Entity{}
}

// addAssumption records the session an AssumeRole* or GetFederationToken
// call created and who started it.
func (a *Attribution) addAssumption(c *APICall) {
	as := c.Assume
	if c.Name == "GetFederationToken" {
		a.addFederationToken(c)
		return
	}
	roleID, sessionName, ok := strings.Cut(as.AssumedRoleID, ":")
	if !ok || roleID == "" {
		return
	}
	roleAcct, roleName, ok := ParseRoleARN(as.RoleARN)
	if !ok {
		roleAcct, roleName, ok = ParseRoleARN(as.AssumedARN)
	}
	if !ok {
		return
	}
	session := Entity{Kind: KindSession, Key: SessionKey(roleID, sessionName), Account: roleAcct}
	role := Entity{Kind: KindRole, Key: RoleKey(roleAcct, roleName), Account: roleAcct}
	a.addEntity(session)
	a.addEdge(session, RelAssumed, role)
	starter := a.starterOf(c, roleName, sessionName)
	switch {
	case starter.Kind == KindAccount:
		// The role's account sees only "a principal of account N": join
		// by sharedEventID happens when the caller's account is in the graph
		// too, since its copy of the event names the caller.
		a.addEdge(session, RelCrossAcct, starter)
	default:
		a.addEdge(session, RelStartedBy, starter)
	}
	if starter.Kind == KindSession {
		a.addEdge(starter, RelChained, session)
	}
	if as.AccessKeyID != "" {
		key := accessKeyEntity(as.AccessKeyID, roleAcct)
		a.addEdge(session, RelIssuedKey, key)
		// The key remembers whose assumption issued it, so a call signed
		// with it is attributed to that starter even when another starter
		// reuses the session name.
		if starter.Kind != KindAccount {
			a.addEdge(key, RelStartedBy, starter)
		}
	}
}

// starterOf decides who started the session an assumption created.
func (a *Attribution) starterOf(c *APICall, roleName, sessionName string) Entity {
	p := a.Principal
	if p.Kind == KindService && c.Identity.InvokedBy == "ec2.amazonaws.com" && IsInstanceID(sessionName) {
		return Entity{Kind: KindInstance, Key: sessionName, Account: c.Account}
	}
	if IsSSORole(roleName) && (p.Kind == KindFederated || p.Kind == KindAccount || p.Kind == KindService) {
		return Entity{Kind: KindFederated, Key: SSOKey(sessionName)}
	}
	return p
}

func (a *Attribution) addFederationToken(c *APICall) {
	name := c.Assume.SessionName
	if _, n, ok := strings.Cut(c.Assume.FederatedUserID, ":"); ok && n != "" {
		name = n
	}
	if name == "" {
		return
	}
	fed := Entity{Kind: KindFederated, Key: FedKey(c.Account, name), Account: c.Account}
	a.addEdge(fed, RelStartedBy, a.Principal)
	if c.Assume.AccessKeyID != "" {
		key := accessKeyEntity(c.Assume.AccessKeyID, c.Account)
		a.addEdge(fed, RelIssuedKey, key)
		a.addEdge(key, RelStartedBy, a.Principal)
	}
}

// addLaunch records an instance that RunInstances created: who launched
// it, its network interfaces and the addresses they held from launch on.
func (a *Attribution) addLaunch(c *APICall, l LaunchedInstance) {
	if l.InstanceID == "" {
		return
	}
	inst := Entity{Kind: KindInstance, Key: l.InstanceID, Account: c.Account}
	a.addEdge(a.Principal, RelLaunched, inst)
	hour := c.Time.Truncate(time.Hour)
	eni := ""
	if len(l.ENIs) > 0 {
		eni = l.ENIs[0]
	}
	for _, e := range l.ENIs {
		a.addEdge(inst, RelHadENI, Entity{Kind: KindENI, Key: e, Account: c.Account})
	}
	ips := append([]string(nil), l.PrivateIPs...)
	if l.PublicIP != "" {
		ips = append(ips, l.PublicIP)
	}
	for _, ip := range ips {
		a.Assignments = append(a.Assignments, Assignment{Instance: l.InstanceID, ENI: eni,
			Account: c.Account, VPC: l.VPC, IP: ip, From: hour, To: hour})
	}
}

func (a *Attribution) addEntity(e Entity) {
	if !e.IsZero() {
		a.Entities = append(a.Entities, e)
	}
}

func (a *Attribution) addEdge(from Entity, rel Relation, to Entity) {
	if from.IsZero() || to.IsZero() {
		return
	}
	a.Edges = append(a.Edges, Edge{From: from, Rel: rel, To: to})
}

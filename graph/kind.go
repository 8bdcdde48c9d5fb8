package graph

import "fmt"

// Kind is the type of an entity in the behavior graph. The numeric values
// are stored in the database, so they never change meaning.
type Kind uint8

const (
	KindUnknown   Kind = 0
	KindAccount   Kind = 1
	KindUser      Kind = 2 // IAM user or account root
	KindRole      Kind = 3
	KindSession   Kind = 4 // role session: roleId:sessionName
	KindFederated Kind = 5 // saml:, sso:, web:, fed: users
	KindAccessKey Kind = 6
	KindInstance  Kind = 7
	KindIP        Kind = 8
	KindUserAgent Kind = 9
	KindBucket    Kind = 10
	KindFinding   Kind = 11
	KindService   Kind = 12 // an AWS service acting as a caller (ec2.amazonaws.com)
	KindENI       Kind = 13 // network interface; resolved to its instance at query time
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindAccount, KindUser, KindRole, KindSession, KindFederated,
	KindAccessKey, KindInstance, KindIP, KindUserAgent, KindBucket, KindFinding,
	KindService, KindENI}

var kindNames = map[Kind]string{
	KindAccount: "account", KindUser: "user", KindRole: "role", KindSession: "session",
	KindFederated: "federated", KindAccessKey: "accesskey", KindInstance: "instance",
	KindIP: "ip", KindUserAgent: "useragent", KindBucket: "bucket", KindFinding: "finding",
	KindService: "service", KindENI: "eni",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n == s {
			return k, nil
		}
	}
	return KindUnknown, fmt.Errorf("unknown entity kind %q", s)
}

// IsPrincipal reports whether entities of this kind make API calls.
func (k Kind) IsPrincipal() bool {
	switch k {
	case KindUser, KindRole, KindSession, KindFederated, KindService, KindAccount:
		return true
	}
	return false
}

// Entity names one node of the graph by its kind and canonical key.
type Entity struct {
	Kind Kind
	Key  string
	// Account is the AWS account that owns the entity, when it has one.
	// Federated users, IPs and user agents have none.
	Account string
}

// IsZero reports whether e names nothing.
func (e Entity) IsZero() bool { return e.Key == "" }

func (e Entity) String() string { return e.Kind.String() + ":" + e.Key }

package graph

import "fmt"

// Relation is the type of an edge. Values are stored, so they never change.
type Relation uint8

const (
	RelUnknown   Relation = 0
	RelUsedIP    Relation = 1  // principal -> IP it called from
	RelUsedAgent Relation = 2  // principal -> user agent
	RelUsedKey   Relation = 3  // principal -> access key it signed with
	RelAssumed   Relation = 4  // session -> role it is a session of
	RelStartedBy Relation = 5  // session -> user, federated user, session, instance, service or account
	RelChained   Relation = 6  // session -> session it assumed (role chaining)
	RelTouched   Relation = 8  // principal -> bucket
	RelIssuedKey Relation = 9  // session or user -> access key issued to it (AssumeRole, CreateAccessKey)
	RelHadENI    Relation = 10 // instance -> network interface
	RelLaunched  Relation = 12 // principal -> instance it created (RunInstances)
	RelCrossAcct Relation = 13 // session -> account whose unnamed principal started it
)

var relationNames = map[Relation]string{
	RelUsedIP: "used_ip", RelUsedAgent: "used_user_agent", RelUsedKey: "used_access_key",
	RelAssumed: "assumed_role", RelStartedBy: "started_by", RelChained: "chained_into",
	RelTouched: "touched_bucket", RelIssuedKey: "issued_key",
	RelHadENI: "had_eni", RelLaunched: "launched",
	RelCrossAcct: "started_cross_account",
}

func (r Relation) String() string {
	if n, ok := relationNames[r]; ok {
		return n
	}
	return fmt.Sprintf("relation(%d)", r)
}

// Edge is one relationship observed at a time. The store folds repeated
// observations into first seen, last seen and a count.
type Edge struct {
	From Entity
	Rel  Relation
	To   Entity
}

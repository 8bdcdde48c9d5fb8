package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// MaxTimelineCalls bounds a timeline to the first calls of its scope: the
// hourly graph does not hold call times, so every call shown is re-read
// from its source object. A longer timeline is cut and says so.
const MaxTimelineCalls = 5000

// Timeline is an entity's API calls in a scope, in time order, each with
// the entities it acted on.
type Timeline struct {
	Entity graph.Ref      `json:"entity"`
	Scope  graph.Scope    `json:"scope"`
	Calls  []TimelineCall `json:"calls"`
	// Total counts the calls in the scope; Truncated is set when there
	// are more than Calls holds.
	Total       int                 `json:"total"`
	Truncated   bool                `json:"truncated,omitempty"`
	Unavailable []UnavailableObject `json:"unavailable,omitempty"`
	// Origin is where an access key came from.
	Origin *KeyOrigin `json:"origin,omitempty"`
}

// TimelineCall is one call of a timeline.
type TimelineCall struct {
	RawEvent
	// Principal made the call: for a role, which of its sessions.
	Principal graph.Ref `json:"principal"`
	// Pivots are what the call touched or created, with the part each
	// played in Note. Kind "trail" names a trail, which has no profile of
	// its own (its account's coverage shows it).
	Pivots []graph.Ref `json:"pivots,omitempty"`
}

// KeyOrigin is how an access key was issued.
type KeyOrigin struct {
	// API is the issuing call: CreateAccessKey, AssumeRole,
	// AssumeRoleWithSAML, GetFederationToken ... ("" when unknown).
	API string `json:"api,omitempty"`
	// IssuedTo is the user, session or federated user the key belongs to.
	IssuedTo *graph.Ref `json:"issued_to,omitempty"`
	// StartedBy called the AssumeRole (or GetFederationToken) that issued
	// a temporary key.
	StartedBy *graph.Ref `json:"started_by,omitempty"`
	IssuedAt  time.Time  `json:"issued_at,omitzero"`
	// Event is the issuing call with its raw record, when the logs hold it.
	Event *TimelineCall `json:"event,omitempty"`
	// Note says what is not known, and why.
	Note string `json:"note,omitempty"`
}

// ReadTimeline lists an entity's calls in the scope in time order,
// reading them again from their source objects (or the copies under
// keepRawDir), and for an access key where it came from.
func ReadTimeline(ctx context.Context, st *store.Store, key string, scope graph.Scope, keepRawDir string) (*Timeline, error) {
	set, err := st.RawRefs(ctx, store.RawQuery{Key: key, Scope: scope})
	if err != nil {
		return nil, err
	}
	page, err := readPage(ctx, set.Objects, keepRawDir, set.Match, 1, MaxTimelineCalls, false)
	if err != nil {
		return nil, err
	}
	tl := &Timeline{Entity: graph.RefOf(set.Entity), Scope: scope, Calls: []TimelineCall{},
		Total: page.Total, Truncated: page.Total > len(page.Events), Unavailable: page.Unavailable}
	for _, ev := range page.Events {
		tl.Calls = append(tl.Calls, timelineCall(ev))
	}
	if set.Entity.Kind == graph.KindAccessKey {
		if tl.Origin, err = keyOrigin(ctx, st, set.Entity.Key, keepRawDir); err != nil {
			return nil, fmt.Errorf("origin of %s: %w", set.Entity.Key, err)
		}
	}
	return tl, nil
}

func timelineCall(ev RawEvent) TimelineCall {
	return TimelineCall{RawEvent: ev, Principal: graph.RefOf(graph.Attribute(ev.Call).Principal), Pivots: pivots(ev.Call)}
}

// pivots names what a call touched or created, so a responder can follow
// it: the instances RunInstances launched, the key CreateAccessKey made,
// the role or user an IAM call changed, the session and role an
// AssumeRole created, the trail a trail call changed, the bucket an S3
// call used. A failed call still names its target: the attempt matters.
func pivots(c *graph.APICall) []graph.Ref {
	var out []graph.Ref
	add := func(kind, key, account, note string) {
		if key == "" {
			return
		}
		for _, r := range out {
			if r.Kind == kind && r.Key == key {
				return
			}
		}
		out = append(out, graph.Ref{Kind: kind, Key: key, Account: account, Note: note})
	}
	for _, l := range c.Launched {
		add(graph.KindInstance.String(), l.InstanceID, c.Account, "launched")
	}
	add(graph.KindAccessKey.String(), c.NewAccessKey, c.Account, "key created")
	if c.NewKeyUser != "" {
		add(graph.KindUser.String(), graph.UserKey(c.Account, c.NewKeyUser), c.Account, "key owner")
	}
	if c.TargetRole != "" {
		add(graph.KindRole.String(), graph.RoleKey(c.Account, c.TargetRole), c.Account, "target role")
	}
	if c.TargetUser != "" {
		add(graph.KindUser.String(), graph.UserKey(c.Account, c.TargetUser), c.Account, "target user")
	}
	if a := c.Assume; a != nil {
		if c.Name == "GetFederationToken" {
			name := a.SessionName
			if _, n, ok := strings.Cut(a.FederatedUserID, ":"); ok && n != "" {
				name = n
			}
			if name != "" {
				add(graph.KindFederated.String(), graph.FedKey(c.Account, name), c.Account, "federated user created")
			}
		} else {
			acct, role, ok := graph.ParseRoleARN(a.RoleARN)
			if !ok {
				acct, role, ok = graph.ParseRoleARN(a.AssumedARN)
			}
			add(graph.KindSession.String(), a.AssumedRoleID, acct, "session created")
			if ok {
				add(graph.KindRole.String(), graph.RoleKey(acct, role), acct, "role assumed")
			}
		}
		add(graph.KindAccessKey.String(), a.AccessKeyID, c.Account, "key issued")
	}
	add("trail", c.Trail, "", "trail changed")
	add(graph.KindBucket.String(), c.Bucket, "", "bucket")
	return out
}

// keyOrigin finds how an access key was issued: the edges say to whom and
// when, and the issuing record is searched for in that hour, among the
// calls of whoever made it where the graph knows who, else among the
// calls into the key's account.
func keyOrigin(ctx context.Context, st *store.Store, key, keepRawDir string) (*KeyOrigin, error) {
	ki, err := st.KeyIssue(ctx, key)
	if err != nil {
		return nil, err
	}
	o := &KeyOrigin{}
	if len(ki.IssuedTo) == 0 {
		o.Note = "no CreateAccessKey, AssumeRole or GetFederationToken in the logs issued this key: it is older than they are, or was issued where no trail logged"
		return o, nil
	}
	owner := ki.IssuedTo[0]
	o.IssuedTo, o.IssuedAt = &owner.Ref, owner.FirstSeen
	q := store.RawQuery{Key: ki.Key.Account, Kind: graph.KindAccount, Scope: graph.NewScope(owner.FirstSeen, owner.FirstSeen)}
	var issued func(*graph.APICall) bool
	switch owner.Ref.Kind {
	case graph.KindUser.String():
		o.API = "CreateAccessKey"
		q.Calls.API = "iam.amazonaws.com:CreateAccessKey"
		issued = func(c *graph.APICall) bool { return c.NewAccessKey == key && !c.Failed }
	default:
		if owner.Ref.Kind == graph.KindFederated.String() {
			o.API = "GetFederationToken"
		}
		issued = func(c *graph.APICall) bool { return c.Assume != nil && c.Assume.AccessKeyID == key && !c.Failed }
		if len(ki.StartedBy) > 0 {
			starter := ki.StartedBy[0].Ref
			o.StartedBy = &starter
			if kind, err := graph.ParseKind(starter.Kind); err == nil && callerKind(kind) {
				q.Key, q.Kind = starter.Key, kind
			}
		} else if len(ki.CrossAccount) > 0 {
			o.Note = fmt.Sprintf("started by a principal the logs do not name (cross-account from %s)", ki.CrossAccount[0].Ref.Key)
		}
	}
	if q.Key == "" {
		o.Note = joinNotes(o.Note, "the key's account is not known, so its issuing call was not looked for")
		return o, nil
	}
	ev, problem, err := findRecord(ctx, st, q, keepRawDir, issued)
	if err != nil {
		return nil, err
	}
	if ev == nil {
		o.Note = joinNotes(o.Note, problem)
		return o, nil
	}
	call := timelineCall(*ev)
	o.Event, o.API = &call, ev.API
	return o, nil
}

// callerKind reports whether API calls are counted for entities of kind,
// so that their raw records can be searched.
func callerKind(k graph.Kind) bool {
	for _, p := range store.PanelsOf(k) {
		if p == store.PanelAPIDetails {
			return true
		}
	}
	return false
}

// findRecord returns the earliest record the query finds that is also
// wanted, with its raw JSON, or says why there is none.
func findRecord(ctx context.Context, st *store.Store, q store.RawQuery, keepRawDir string, wanted func(*graph.APICall) bool) (*RawEvent, string, error) {
	set, err := st.RawRefs(ctx, q)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "the issuing call's record is not in the graph", nil
	}
	if err != nil {
		return nil, "", err
	}
	page, err := ReadRaw(ctx, set.Objects, keepRawDir, func(c *graph.APICall) bool { return set.Match(c) && wanted(c) }, 1, 1)
	if err != nil {
		return nil, "", err
	}
	if len(page.Events) > 0 {
		return &page.Events[0], "", nil
	}
	why := fmt.Sprintf("the issuing call's record was not found among the calls of %s in %s", q.Key, q.Scope)
	for _, u := range page.Unavailable {
		why = joinNotes(why, u.Reason)
	}
	return nil, why, nil
}

func joinNotes(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

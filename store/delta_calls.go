package store

import "github.com/gumshoe-sec/gumshoe/graph"

// callDelta is the API-call part of a delta.
type callDelta struct {
	entities    entitySet
	edges       map[edgeKey]*edgeSeen
	api         map[apiKey]*apiRow
	raw         map[rawKey][]int64
	assignments map[assignmentKey]*span
	trail       []trailEvent
}

func newCallDelta() callDelta {
	return callDelta{entities: entitySet{}, edges: map[edgeKey]*edgeSeen{},
		api: map[apiKey]*apiRow{}, raw: map[rawKey][]int64{},
		assignments: map[assignmentKey]*span{}}
}

// apiKey is one row of api_hour before its strings become ids.
type apiKey struct {
	principal entityKey
	hour      int64
	account   string
	service   string
	api       string
	source    entityKey
	accessKey string
	userAgent string
	region    string
	errorCode string
}

// apiRow is an api_hour row's counts, and what the row's entities and
// edges need: when its calls happened and the accounts of its principal
// and key.
type apiRow struct {
	success, failure int64
	span
	principalAccount, keyAccount string
}

type rawKey struct {
	principal entityKey
	hour      int64
}

type assignmentKey struct {
	ip, account, vpc, instance, eni string
}

type trailEvent struct {
	eventID, account, region, trail, bucket, api string
	time                                         int64
	principal                                    entityKey
	failed                                       bool
}

func (cd *callDelta) add(c *graph.APICall) {
	a := graph.Attribute(c)
	t := c.Time.Unix()
	hour := hourOf(c.Time)
	for _, e := range a.Entities {
		cd.entities.add(e, t)
	}
	for _, e := range a.Edges {
		cd.entities.add(e.From, t)
		cd.entities.add(e.To, t)
		k := edgeKey{keyOf(e.From), e.Rel, keyOf(e.To)}
		s := cd.edges[k]
		if s == nil {
			s = &edgeSeen{}
			cd.edges[k] = s
		}
		s.add(t)
		s.count++
	}
	k := apiKey{principal: keyOf(a.Principal), hour: hour, account: c.Account,
		service: c.Service, api: c.Name, source: keyOf(a.Source),
		accessKey: a.AccessKey.Key, userAgent: c.UserAgent, region: c.Region,
		errorCode: c.ErrorCode}
	row := cd.api[k]
	if row == nil {
		row = &apiRow{principalAccount: a.Principal.Account, keyAccount: a.AccessKey.Account}
		cd.api[k] = row
	}
	row.add(t)
	if c.Failed {
		row.failure++
	} else {
		row.success++
	}
	rk := rawKey{keyOf(a.Principal), hour}
	cd.raw[rk] = append(cd.raw[rk], c.Pos.Index)
	for _, as := range a.Assignments {
		cd.addAssignment(as)
	}
	if c.Trail != "" {
		cd.trail = append(cd.trail, trailEvent{eventID: c.EventID, account: c.Account,
			region: c.Region, trail: c.Trail, bucket: c.TrailBucket, api: c.Name, time: t,
			principal: keyOf(a.Principal), failed: c.Failed})
	}
}

// rowFacts adds what every call row implies: its principal, source, key,
// agent and account were seen, and the principal used the others.
func (cd *callDelta) rowFacts() {
	for k, r := range cd.api {
		p := graph.Entity{Kind: k.principal.kind, Key: k.principal.key, Account: r.principalAccount}
		src := graph.Entity{Kind: k.source.kind, Key: k.source.key}
		key := graph.Entity{Kind: graph.KindAccessKey, Key: k.accessKey, Account: r.keyAccount}
		agent := graph.Entity{Kind: graph.KindUserAgent, Key: k.userAgent}
		acct := graph.Entity{Kind: graph.KindAccount, Key: k.account, Account: k.account}
		for _, e := range []graph.Entity{p, src, key, agent, acct} {
			cd.entities.add(e, r.first)
			cd.entities.add(e, r.last)
		}
		n := r.success + r.failure
		cd.addEdgeSpan(p, graph.RelUsedIP, src, r.span, n)
		cd.addEdgeSpan(p, graph.RelUsedKey, key, r.span, n)
		cd.addEdgeSpan(p, graph.RelUsedAgent, agent, r.span, n)
	}
}

func (cd *callDelta) addEdgeSpan(from graph.Entity, rel graph.Relation, to graph.Entity, s span, n int64) {
	if from.IsZero() || to.IsZero() {
		return
	}
	k := edgeKey{keyOf(from), rel, keyOf(to)}
	e := cd.edges[k]
	if e == nil {
		e = &edgeSeen{}
		cd.edges[k] = e
	}
	e.add(s.first)
	e.add(s.last)
	e.count += n
}

func (cd *callDelta) addAssignment(as graph.Assignment) {
	k := assignmentKey{as.IP, as.Account, as.VPC, as.Instance, as.ENI}
	s := cd.assignments[k]
	if s == nil {
		s = &span{}
		cd.assignments[k] = s
	}
	s.add(as.From.Unix())
	s.add(as.To.Unix())
	cd.entities.add(graph.Entity{Kind: graph.KindInstance, Key: as.Instance, Account: as.Account}, as.From.Unix())
	cd.entities.add(graph.Entity{Kind: graph.KindIP, Key: as.IP}, as.From.Unix())
	if as.ENI != "" {
		cd.entities.add(graph.Entity{Kind: graph.KindENI, Key: as.ENI, Account: as.Account}, as.From.Unix())
	}
}

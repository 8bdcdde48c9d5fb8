package store

import "github.com/gumshoe-sec/gumshoe/graph"

// callDelta is the API-call part of a delta.
type callDelta struct {
	entities    entitySet
	edges       map[edgeKey]*edgeSeen
	api         map[apiKey]*[2]int64
	raw         map[rawKey][]int64
	assignments map[assignmentKey]*span
	trail       []trailEvent
}

func newCallDelta() callDelta {
	return callDelta{entities: entitySet{}, edges: map[edgeKey]*edgeSeen{},
		api: map[apiKey]*[2]int64{}, raw: map[rawKey][]int64{},
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
	cd.entities.add(a.Principal, t)
	cd.entities.add(a.Source, t)
	cd.entities.add(a.AccessKey, t)
	cd.entities.add(a.UserAgent, t)
	cd.entities.add(graph.Entity{Kind: graph.KindAccount, Key: c.Account, Account: c.Account}, t)
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
	counts := cd.api[k]
	if counts == nil {
		counts = new([2]int64)
		cd.api[k] = counts
	}
	if c.Failed {
		counts[1]++
	} else {
		counts[0]++
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

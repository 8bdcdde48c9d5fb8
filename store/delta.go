package store

import (
	"hash/fnv"
	"net/netip"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Delta is a chunk of one source object's records, pre-aggregated in
// memory: many records fold into few rows, so the writer upserts rows, not
// events. Decode workers build deltas in parallel; the single writer
// commits each in one transaction together with the object's checkpoint.
type Delta struct {
	Object Checkpoint
	Bad    []BadRecord

	calls    callDelta
	flows    flowDelta
	findings []graph.Finding
	coverage map[coverageKey]int64
	// callRecords are kept so the writer can rebuild calls without the
	// events another object already delivered.
	callRecords []graph.APICall
	callIDs     []eventIdentity
	// expectFlows is how many flow records the delta will likely hold.
	expectFlows int
}

// Checkpoint is how far an object has been read, and what it is.
type Checkpoint struct {
	URI         string
	Format      string
	Size        int64
	ModTime     int64
	Fingerprint []byte
	// Records is the resume point: how many records (good and bad) of the
	// object are read once this delta commits.
	Records  int64
	Complete bool
	// Delivery names who delivered the object: the S3 prefix before
	// AWSLogs/ (a trail's or flow log's bucket and prefix). Region and
	// Account come from the object's key where it follows AWS's layout.
	Delivery string
	Region   string
	Account  string
}

// BadRecord is a record that could not be read, kept for `gumshoe ingest --problems`.
type BadRecord struct {
	Line, Index int64
	Reason      string
}

// NewDelta returns an empty delta for a chunk of the object cp describes.
func NewDelta(cp Checkpoint) *Delta {
	return &Delta{Object: cp, calls: newCallDelta(), flows: newFlowDelta(),
		coverage: map[coverageKey]int64{}}
}

// ExpectFlows sizes the delta for n flow records, so that the records it
// holds until Finish are not copied again each time their slice grows.
func (d *Delta) ExpectFlows(n int) { d.expectFlows = n }

// Records reports how many records the delta holds, by kind.
func (d *Delta) Records() (calls, flows, findings int) {
	return len(d.callRecords), d.flows.records, len(d.findings)
}

// entityKey identifies an entity regardless of the account it was seen with.
type entityKey struct {
	kind graph.Kind
	key  string
}

func keyOf(e graph.Entity) entityKey { return entityKey{e.Kind, e.Key} }

// span is when something was first and last seen, in unix seconds.
type span struct{ first, last int64 }

func (s *span) add(t int64) {
	if s.first == 0 || t < s.first {
		s.first = t
	}
	if t > s.last {
		s.last = t
	}
}

// entitySet collects entities with when they were seen.
type entitySet map[entityKey]*entitySeen

type entitySeen struct {
	account string
	span
}

func (es entitySet) add(e graph.Entity, t int64) {
	if e.IsZero() {
		return
	}
	k := keyOf(e)
	s := es[k]
	if s == nil {
		s = &entitySeen{}
		es[k] = s
	}
	if s.account == "" {
		s.account = e.Account
	}
	s.add(t)
}

type edgeKey struct {
	from entityKey
	rel  graph.Relation
	to   entityKey
}

type edgeSeen struct {
	span
	count int64
}

type coverageKey struct {
	delivery, kind, account, region string
	hour                            int64
}

// eventIdentity is an event's row in event_seen. Both copies of an event
// carry the same eventTime, so the hour is part of its identity.
type eventIdentity struct{ hour, hash int64 }

// hashEventID is an event's identity in event_seen.
func hashEventID(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64())
}

func hourOf(t time.Time) int64 { return t.Unix() - t.Unix()%3600 }

func hourOfUnix(t int64) int64 { return t - t%3600 }

// addCoverage counts records this object's delivery brought for account,
// Region and hour. Coverage counts every copy: two trails delivering one
// event both covered that hour.
func (d *Delta) addCoverage(kind, account, region string, hour, n int64) {
	if region == "" {
		region = d.Object.Region
	}
	if account == "" {
		account = d.Object.Account
	}
	d.coverage[coverageKey{d.Object.Delivery, kind, account, region, hour}] += n
}

// AddFinding adds one finding update.
func (d *Delta) AddFinding(f *graph.Finding) { d.findings = append(d.findings, *f) }

// AddCall adds one CloudTrail event.
func (d *Delta) AddCall(c *graph.APICall) {
	d.addCoverage("cloudtrail", c.Account, c.Region, hourOf(c.Time), 1)
	d.callRecords = append(d.callRecords, *c)
	d.callIDs = append(d.callIDs, eventIdentity{hourOf(c.Time), hashEventID(c.EventID)})
	d.calls.add(c)
}

// withoutCalls rebuilds the call aggregates leaving out the records whose
// positions are in drop.
func (d *Delta) withoutCalls(drop map[int]bool) {
	d.calls = newCallDelta()
	for i := range d.callRecords {
		if !drop[i] {
			d.calls.add(&d.callRecords[i])
		}
	}
}

// addrKey is an address as an IP entity key.
func addrKey(a netip.Addr) entityKey { return entityKey{graph.KindIP, a.String()} }

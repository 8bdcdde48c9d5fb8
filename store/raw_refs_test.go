package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// rawFixture commits, for alice and bob, calls spread over two objects
// (one in two chunks) and two hours, and returns the store.
func rawFixture(t *testing.T) *Store {
	t.Helper()
	st := openTemp(t)
	w, err := st.NewWriter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bob := func(c graph.APICall) graph.APICall {
		c.Identity.UserName, c.Identity.AccessKeyID, c.SourceIP = "bob", "AKIABOB", "198.51.100.7"
		return c
	}
	add := func(d *Delta, index int64, c graph.APICall) {
		c.Pos.Index = index
		d.AddCall(&c)
	}
	first := NewDelta(Checkpoint{URI: "file:///logs/1.json", Fingerprint: []byte{0, 1, 2}, Records: 3})
	add(first, 0, call("a0", 1, "DescribeInstances", false))
	add(first, 1, bob(call("b1", 2, "DescribeInstances", false)))
	add(first, 2, call("a2", 3, "StopLogging", false))
	rest := NewDelta(Checkpoint{URI: "file:///logs/1.json", Fingerprint: []byte{0, 1, 2}, Records: 5, Complete: true})
	add(rest, 3, call("a3", 4, "RunInstances", true))
	add(rest, 4, call("a4", 70, "DescribeInstances", false)) // the next hour
	second := NewDelta(Checkpoint{URI: "file:///logs/2.json", Records: 2, Complete: true})
	add(second, 0, bob(call("b5", 5, "StopLogging", false)))
	listed := call("a6", 6, "ListObjects", false)
	listed.Bucket = "logs-bucket"
	add(second, 1, listed)
	commit(t, w, first)
	commit(t, w, rest)
	commit(t, w, second)
	return st
}

func rawRefs(t *testing.T, st *Store, q RawQuery) *RawSet {
	t.Helper()
	set, err := st.RawRefs(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// refsString renders refs as "uri:indexes uri:indexes" for comparison.
func refsString(refs []RawRef) string {
	var parts []string
	for _, r := range refs {
		var idx []string
		for _, i := range r.Indexes {
			idx = append(idx, string(rune('0'+i)))
		}
		parts = append(parts, strings.TrimPrefix(r.URI, "file:///logs/")+":"+strings.Join(idx, ","))
	}
	return strings.Join(parts, " ")
}

func TestRawRefsOfAPrincipal(t *testing.T) {
	st := rawFixture(t)
	alice := graph.UserKey("123456789012", "alice")
	hour := graph.NewScope(hour0, hour0)
	set := rawRefs(t, st, RawQuery{Key: alice, Scope: hour})
	// Both chunks of 1.json, in order, without bob's record or the next hour's.
	if got, want := refsString(set.Objects), "1.json:0,2,3 2.json:1"; got != want {
		t.Errorf("alice's refs = %s, want %s", got, want)
	}
	if !slices.Equal(set.Objects[0].Fingerprint, []byte{0, 1, 2}) {
		t.Errorf("fingerprint = %v", set.Objects[0].Fingerprint)
	}
	two := graph.Scope{Start: hour0, End: hour0.Add(2 * time.Hour)}
	if got, want := refsString(rawRefs(t, st, RawQuery{Key: alice, Scope: two}).Objects), "1.json:0,2,3,4 2.json:1"; got != want {
		t.Errorf("two hours: %s, want %s", got, want)
	}
	// A details row reads only the principal-hours that have it.
	row := rawRefs(t, st, RawQuery{Key: alice, Scope: two, Calls: CallQuery{API: "ec2.amazonaws.com:StopLogging"}})
	if got, want := refsString(row.Objects), "1.json:0,2,3 2.json:1"; got != want {
		t.Errorf("StopLogging row: %s, want %s", got, want)
	}
	if none := rawRefs(t, st, RawQuery{Key: alice, Scope: two, Calls: CallQuery{API: "cloudtrail.amazonaws.com:StopLogging"}}); len(none.Objects) != 0 {
		t.Errorf("another service's StopLogging: %s", refsString(none.Objects))
	}
}

func TestRawRefsOfAnAddressAndItsMatch(t *testing.T) {
	st := rawFixture(t)
	set := rawRefs(t, st, RawQuery{Key: "198.51.100.7", Scope: graph.NewScope(hour0, hour0)})
	// raw_ref is per principal: bob's objects, with every record of his.
	if got, want := refsString(set.Objects), "1.json:1 2.json:0"; got != want {
		t.Errorf("refs = %s, want %s", got, want)
	}
	mine, other := call("x", 1, "StopLogging", false), call("y", 1, "StopLogging", false)
	mine.SourceIP = "198.51.100.7"
	if !set.Match(&mine) || set.Match(&other) {
		t.Error("Match does not tell the address's calls from the principal's others")
	}
	late := mine
	late.Time = hour0.Add(time.Hour)
	if set.Match(&late) {
		t.Error("Match keeps a call after the scope")
	}
	set.Calls = CallQuery{API: "RunInstances"}
	if set.Match(&mine) {
		t.Error("Match ignores the drill-down's API")
	}
	set.Calls = CallQuery{API: "ec2.amazonaws.com:StopLogging", AccessKey: "AKIAEXAMPLE", IP: "198.51.100.7"}
	if !set.Match(&mine) {
		t.Error("Match rejects a call of the drill-down's row")
	}
}

func TestRawRefsOfAKindWithoutCalls(t *testing.T) {
	st := rawFixture(t)
	_, err := st.RawRefs(context.Background(), RawQuery{Key: "123456789012", Kind: graph.KindInstance, Scope: graph.NewScope(hour0, hour0)})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown instance: %v", err)
	}
	_, err = st.RawRefs(context.Background(), RawQuery{Key: "logs-bucket", Scope: graph.NewScope(hour0, hour0)})
	if err == nil || !strings.Contains(err.Error(), "no raw events") {
		t.Errorf("bucket: %v", err)
	}
}

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// oneUserGraph ingests two calls of alice's, a day apart, and returns the
// store: the entity's default scope (the last 24 hours) holds the second.
func oneUserGraph(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	event := func(id, at, name string) string {
		return `{"eventVersion":"1.10","eventID":"` + id + `","eventTime":"` + at + `","eventSource":"ec2.amazonaws.com",
			"eventName":"` + name + `","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2",
			"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","accountId":"123456789012",
			"userName":"alice","accessKeyId":"AKIAALICE"}}`
	}
	body := `{"Records":[` + event("old", "2026-03-01T10:00:00Z", "DescribeInstances") + `,` +
		event("new", "2026-03-02T10:00:00Z", "RunInstances") + `]}`
	if err := os.WriteFile(filepath.Join(logs, "ct.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src, err := ingest.NewDirSource(logs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

const aliceARN = "arn:aws:iam::123456789012:user/alice"

func TestQueryRawDefaultsToTheEntitysScope(t *testing.T) {
	st := oneUserGraph(t)
	ctx := context.Background()
	out, err := queryRaw(ctx, st, aliceARN, nil, store.CallQuery{}, 1, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	res := out.(*ingest.RawResult)
	if res.Total != 1 || res.Events[0].EventID != "new" {
		t.Errorf("default scope %s: %d events", res.Scope, res.Total)
	}
	whole := graph.NewScope(res.Scope.Start.AddDate(0, 0, -2), res.Scope.End)
	out, err = queryRaw(ctx, st, aliceARN, &whole, store.CallQuery{API: "DescribeInstances"}, 1, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if res := out.(*ingest.RawResult); res.Total != 1 || res.Events[0].EventID != "old" {
		t.Errorf("DescribeInstances over three days: %d events", res.Total)
	}
	out, err = queryTimeline(ctx, st, aliceARN, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if tl := out.(*ingest.Timeline); len(tl.Calls) != 1 || tl.Calls[0].API != "RunInstances" {
		t.Errorf("timeline: %+v", tl.Calls)
	}
}

func TestQueryRawChecksPaging(t *testing.T) {
	st := oneUserGraph(t)
	for _, pg := range [][2]int{{0, 10}, {1, 0}, {1, ingest.MaxRawPageSize + 1}} {
		if _, err := queryRaw(context.Background(), st, aliceARN, nil, store.CallQuery{}, pg[0], pg[1], ""); !errors.Is(err, errUsage) {
			t.Errorf("page %d of %d: %v", pg[0], pg[1], err)
		}
	}
	if _, err := queryTimeline(context.Background(), st, "AKIANOBODY", nil, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
}

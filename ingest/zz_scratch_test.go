package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/store"
)

func TestZZScratch(t *testing.T) {
	st := demotest.Open(t)
	ctx := context.Background()
	hour := graph.NewScope(demo.IncidentHour, demo.IncidentHour)
	t0 := time.Now()
	res, err := ingest.EntityRaw(ctx, st, ingest.RawRequest{RawQuery: store.RawQuery{Key: demo.SaraAdminSession, Scope: hour, Calls: store.CallQuery{API: "StopLogging"}}})
	fmt.Println(time.Since(t0), err)
	b, _ := json.MarshalIndent(res, "", " ")
	fmt.Println(string(b))
	t0 = time.Now()
	tl, err := ingest.ReadTimeline(ctx, st, demo.SaraDemoSession, hour, "")
	fmt.Println(time.Since(t0), err)
	b, _ = json.MarshalIndent(tl, "", " ")
	fmt.Println(string(b))
	t0 = time.Now()
	tl, err = ingest.ReadTimeline(ctx, st, demo.IncidentDemoKey, hour, "")
	fmt.Println(time.Since(t0), err)
	b, _ = json.MarshalIndent(tl.Origin, "", " ")
	fmt.Println(string(b))
}

package main

import (
	"context"
	"fmt"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// queryRaw is `gumshoe query raw KEY`: a page of the CloudTrail records
// behind an entity's API calls in the scope, as the source objects hold
// them. The drill-down fields of q (IP, API, AccessKey) narrow it to the
// records behind one "details for scope time" row; its grouping and
// display filters do not apply. keepRaw is where ingest --keep-raw kept
// copies of the objects, for those no longer at their place.
func queryRaw(ctx context.Context, st *store.Store, key string, scope *graph.Scope, q store.CallQuery, page, pageSize int, keepRaw string) (any, error) {
	if page < 1 {
		return nil, fmt.Errorf("%w: --page counts from 1", errUsage)
	}
	if pageSize < 1 || pageSize > ingest.MaxRawPageSize {
		return nil, fmt.Errorf("%w: --page-size is 1 to %d", errUsage, ingest.MaxRawPageSize)
	}
	sc, err := scopeOrDefault(ctx, st, key, scope)
	if err != nil {
		return nil, err
	}
	return ingest.EntityRaw(ctx, st, ingest.RawRequest{
		RawQuery:   store.RawQuery{Key: key, Scope: sc, Calls: q},
		KeepRawDir: keepRaw, Page: page, PageSize: pageSize})
}

// queryTimeline is `gumshoe query timeline KEY`: the entity's calls in the
// scope in time order, with what each touched, and for an access key
// where it came from.
func queryTimeline(ctx context.Context, st *store.Store, key string, scope *graph.Scope, keepRaw string) (any, error) {
	sc, err := scopeOrDefault(ctx, st, key, scope)
	if err != nil {
		return nil, err
	}
	return ingest.ReadTimeline(ctx, st, key, sc, keepRaw)
}

// scopeOrDefault is the scope asked for, else the one the entity's
// profile opens with, so raw events and timelines match what it shows.
func scopeOrDefault(ctx context.Context, st *store.Store, key string, scope *graph.Scope) (graph.Scope, error) {
	if scope != nil {
		return *scope, nil
	}
	p, err := st.Profile(ctx, store.ProfileRequest{Key: key, Panels: []string{store.PanelDetails}})
	if err != nil {
		return graph.Scope{}, err
	}
	return p.DefaultScope, nil
}

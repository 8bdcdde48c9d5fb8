package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// profileFlags are the flags of `gumshoe query profile`.
type profileFlags struct {
	scope, kind string
	panels      listFlag
	calls       store.CallQuery
	flows       store.FlowQuery
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func addProfileFlags(fs *flag.FlagSet) *profileFlags {
	pf := &profileFlags{}
	fs.StringVar(&pf.scope, "scope", "", "")
	fs.StringVar(&pf.kind, "kind", "", "")
	fs.Var(&pf.panels, "panel", "")
	fs.StringVar(&pf.calls.GroupBy, "group-by", "", "")
	fs.StringVar(&pf.calls.API, "api", "", "")
	fs.StringVar(&pf.calls.AccessKey, "key", "", "")
	fs.StringVar(&pf.calls.CIDR, "cidr", "", "")
	fs.StringVar(&pf.calls.Text, "text", "", "")
	fs.StringVar(&pf.flows.Finding, "finding", "", "")
	fs.StringVar(&pf.flows.LocalPort, "local-port", "", "")
	fs.StringVar(&pf.flows.RemotePort, "remote-port", "", "")
	fs.StringVar(&pf.flows.Direction, "direction", "", "")
	fs.StringVar(&pf.flows.Protocol, "protocol", "", "")
	fs.StringVar(&pf.flows.Action, "action", "", "")
	fs.StringVar(&pf.flows.IP, "ip", "", "")
	return pf
}

// request turns the flags into a profile request.
func (pf *profileFlags) request(ctx context.Context, st *store.Store, key string) (store.ProfileRequest, error) {
	req := store.ProfileRequest{Key: key, Panels: pf.panels, Calls: pf.calls, Flows: pf.flows}
	// --ip drills API details to one address and filters flow rows.
	req.Calls.IP = pf.flows.IP
	if err := store.ParseCIDR(pf.calls.CIDR); err != nil {
		return req, fmt.Errorf("%w: --cidr: %v", errUsage, err)
	}
	if pf.kind != "" {
		k, err := graph.ParseKind(pf.kind)
		if err != nil {
			return req, fmt.Errorf("%w: --kind: %v", errUsage, err)
		}
		req.Kind = k
	}
	if pf.scope != "" {
		now, err := st.Now(ctx)
		if err != nil {
			return req, err
		}
		sc, err := graph.ParseScope(pf.scope, now)
		if err != nil {
			return req, fmt.Errorf("%w: --scope: %v", errUsage, err)
		}
		req.Scope = &sc
	}
	return req, nil
}

func (pf *profileFlags) run(ctx context.Context, st *store.Store, key string) (any, error) {
	req, err := pf.request(ctx, st, key)
	if err != nil {
		return nil, err
	}
	return st.Profile(ctx, req)
}

// scopeOr is the --scope flag's scope, or def when it is not given.
func (pf *profileFlags) scopeOr(ctx context.Context, st *store.Store, def func(now time.Time) graph.Scope) (graph.Scope, error) {
	now, err := st.Now(ctx)
	if err != nil {
		return graph.Scope{}, err
	}
	if pf.scope == "" {
		return def(now), nil
	}
	sc, err := graph.ParseScope(pf.scope, now)
	if err != nil {
		return sc, fmt.Errorf("%w: --scope: %v", errUsage, err)
	}
	return sc, nil
}

// coverage answers `gumshoe query coverage`.
func (pf *profileFlags) coverage(ctx context.Context, st *store.Store, accounts []string) (any, error) {
	sc, err := pf.scopeOr(ctx, st, graph.EntityScope)
	if err != nil {
		return nil, err
	}
	if len(accounts) == 0 {
		if accounts, err = st.Accounts(ctx); err != nil {
			return nil, err
		}
	}
	return st.Coverage(ctx, accounts, sc)
}

// querySummary answers `gumshoe query summary [--end TIME]`.
func querySummary(ctx context.Context, st *store.Store, end string) (any, error) {
	var t time.Time
	if end != "" {
		var err error
		if t, err = graph.ParseInstant(end); err != nil {
			return nil, fmt.Errorf("%w: --end: %v", errUsage, err)
		}
	}
	return st.Summary(ctx, t)
}

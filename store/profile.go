package store

import (
	"context"
	"fmt"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Profile is everything a profile page shows for one finding or entity in
// a scope. Panels a kind does not have are nil.
type Profile struct {
	Ref          graph.Ref          `json:"entity"`
	Scope        graph.Scope        `json:"scope"`
	DefaultScope graph.Scope        `json:"default_scope"`
	Now          time.Time          `json:"now"`
	Details      *graph.Details     `json:"details,omitempty"`
	Finding      *FindingProfile    `json:"finding,omitempty"`
	Findings     []graph.FindingRow `json:"findings,omitempty"`
	APIVolume    *graph.Volume      `json:"api_volume,omitempty"`
	APIDetails   *graph.CallDetails `json:"api_details,omitempty"`
	NewBehavior  *graph.NewBehavior `json:"new_behavior,omitempty"`
	Interaction  *graph.Interaction `json:"resource_interaction,omitempty"`
	FlowVolume   *graph.Volume      `json:"flow_volume,omitempty"`
	FlowDetails  *graph.FlowDetails `json:"flow_details,omitempty"`
	Holders      []graph.Holder     `json:"holders,omitempty"`
	Coverage     *graph.Coverage    `json:"coverage,omitempty"`
}

// Panel names, as `gumshoe query profile --panel` takes them.
const (
	PanelDetails     = "details"
	PanelFindings    = "findings"
	PanelAPIVolume   = "api_volume"
	PanelAPIDetails  = "api_details"
	PanelNewBehavior = "new_behavior"
	PanelInteraction = "resource_interaction"
	PanelFlowVolume  = "flow_volume"
	PanelFlowDetails = "flow_details"
	PanelHolders     = "holders"
	PanelCoverage    = "coverage"
)

// PanelsOf lists the panels a kind has, in page order.
func PanelsOf(k graph.Kind) []string {
	switch k {
	case graph.KindFinding:
		return []string{PanelDetails, PanelCoverage}
	case graph.KindUser, graph.KindRole, graph.KindSession, graph.KindFederated:
		return []string{PanelDetails, PanelFindings, PanelAPIVolume, PanelAPIDetails, PanelNewBehavior, PanelInteraction, PanelCoverage}
	case graph.KindService, graph.KindAccount, graph.KindAccessKey, graph.KindUserAgent:
		return []string{PanelDetails, PanelFindings, PanelAPIVolume, PanelAPIDetails, PanelNewBehavior, PanelCoverage}
	case graph.KindIP:
		return []string{PanelDetails, PanelHolders, PanelFindings, PanelAPIVolume, PanelAPIDetails, PanelFlowVolume, PanelFlowDetails, PanelCoverage}
	case graph.KindInstance, graph.KindENI:
		return []string{PanelDetails, PanelFindings, PanelFlowVolume, PanelFlowDetails, PanelCoverage}
	case graph.KindBucket:
		return []string{PanelDetails, PanelFindings, PanelCoverage}
	}
	return []string{PanelDetails, PanelCoverage}
}

// ProfileRequest asks for a profile.
type ProfileRequest struct {
	Key  string
	Kind graph.Kind // KindUnknown: whichever kind the key names first
	// Scope is the time window; nil means the entity's default scope.
	Scope *graph.Scope
	// Panels limits the work to these panels; empty means all the kind has.
	Panels []string
	// Details shapes the "details for scope time" panels.
	Calls CallQuery
	Flows FlowQuery
	// Filter narrows the API and flow panels to accounts and Regions.
	Filter AccountFilter
}

// Profile computes a profile.
func (s *Store) Profile(ctx context.Context, req ProfileRequest) (*Profile, error) {
	e, err := s.lookupEntity(ctx, req.Key, req.Kind)
	if err != nil {
		return nil, err
	}
	now, err := s.Now(ctx)
	if err != nil {
		return nil, err
	}
	p := &Profile{Ref: e.ref(), Now: now, DefaultScope: graph.EntityScope(now)}
	if e.kind == graph.KindFinding {
		if p.Finding, err = s.findingProfile(ctx, e); err != nil {
			return nil, err
		}
		p.DefaultScope = p.Finding.DefaultScope
	}
	p.Scope = p.DefaultScope
	if req.Scope != nil {
		p.Scope = *req.Scope
	}
	want := map[string]bool{}
	for _, name := range dedupe(req.Panels) {
		want[name] = true
	}
	pc := &profileContext{s: s, e: e, scope: p.Scope, now: now, filter: req.Filter}
	for _, name := range PanelsOf(e.kind) {
		if len(want) > 0 && !want[name] {
			continue
		}
		if err := pc.fill(ctx, p, name, req); err != nil {
			return nil, fmt.Errorf("%s panel of %s: %w", name, e.key, err)
		}
	}
	for name := range want {
		if !contains(PanelsOf(e.kind), name) {
			return nil, fmt.Errorf("a %s profile has no %q panel (it has %v)", e.kind, name, PanelsOf(e.kind))
		}
	}
	return p, nil
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// profileContext is what every panel query of one profile shares.
type profileContext struct {
	s      *Store
	e      entityRow
	scope  graph.Scope
	now    time.Time
	filter AccountFilter
}

func (pc *profileContext) fill(ctx context.Context, p *Profile, panel string, req ProfileRequest) error {
	var err error
	switch panel {
	case PanelDetails:
		if pc.e.kind != graph.KindFinding {
			p.Details, err = pc.details(ctx)
		}
	case PanelFindings:
		p.Findings, err = pc.s.findingsOf(ctx, pc.e.id)
	case PanelAPIVolume:
		p.APIVolume, err = pc.apiVolume(ctx)
	case PanelAPIDetails:
		p.APIDetails, err = pc.callDetails(ctx, req.Calls)
	case PanelNewBehavior:
		p.NewBehavior, err = pc.newBehavior(ctx)
	case PanelInteraction:
		p.Interaction, err = pc.interaction(ctx)
	case PanelFlowVolume:
		p.FlowVolume, err = pc.flowVolume(ctx)
	case PanelFlowDetails:
		p.FlowDetails, err = pc.flowDetails(ctx, req.Flows)
	case PanelHolders:
		p.Holders, err = pc.s.holders(ctx, pc.e.id, pc.scope)
	case PanelCoverage:
		p.Coverage, err = pc.coverage(ctx)
	}
	return err
}

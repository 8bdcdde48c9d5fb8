package tui

import (
	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// tab is one tab of an entity profile and the panels it needs.
type tab struct {
	name   string
	panels []string
}

var (
	tabOverview    = tab{"Overview", []string{store.PanelDetails, store.PanelCoverage, store.PanelAPIVolume}}
	tabOverviewNet = tab{"Overview", []string{store.PanelDetails, store.PanelCoverage, store.PanelFlowVolume}}
	tabOverviewMin = tab{"Overview", []string{store.PanelDetails}}
	tabAPI         = tab{"API calls", []string{store.PanelAPIVolume, store.PanelAPIDetails}}
	tabNew         = tab{"New behavior", []string{store.PanelNewBehavior}}
	tabInteraction = tab{"Resource interaction", []string{store.PanelInteraction}}
	tabFlow        = tab{"VPC flow", []string{store.PanelFlowVolume, store.PanelFlowDetails}}
	tabFindings    = tab{"Findings", []string{store.PanelFindings}}
	tabHolders     = tab{"Overview", []string{store.PanelDetails, store.PanelHolders, store.PanelCoverage, store.PanelFlowVolume}}
)

// tabsOf lists the tabs an entity kind has, as Detective's profiles do.
func tabsOf(kind string) []tab {
	k, _ := graph.ParseKind(kind)
	switch k {
	case graph.KindUser, graph.KindRole, graph.KindSession, graph.KindFederated:
		return []tab{tabOverview, tabAPI, tabNew, tabInteraction, tabFindings}
	case graph.KindService, graph.KindAccount, graph.KindAccessKey, graph.KindUserAgent:
		return []tab{tabOverview, tabAPI, tabNew, tabFindings}
	case graph.KindIP:
		return []tab{tabHolders, tabAPI, tabFlow, tabFindings}
	case graph.KindInstance, graph.KindENI:
		return []tab{tabOverviewNet, tabFlow, tabFindings}
	}
	return []tab{tabOverviewMin, tabFindings}
}

package store

import (
	"context"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// TestAddressFlowsThroughPeers: an address's flow panels find its rows on
// either side, on every interface and day it was seen, through flow_peer,
// and only its own rows of those interfaces.
func TestAddressFlowsThroughPeers(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	day0 := time.Date(2026, 10, 10, 22, 0, 0, 0, time.UTC)
	flows := []graph.FlowRecord{
		// 10.0.0.5 as the local side of eni-a, two days running.
		retFlow("eni-a", "i-a", "10.0.0.5", "203.0.113.9", day0),
		retFlow("eni-a", "i-a", "10.0.0.5", "203.0.113.9", day0.Add(3*time.Hour)),
		// ... and as the remote side of eni-b.
		retFlow("eni-b", "i-b", "10.0.0.6", "10.0.0.5", day0.Add(5*time.Hour)),
		// Rows of the same interfaces that do not involve it.
		retFlow("eni-a", "i-a", "10.0.0.7", "198.51.100.1", day0.Add(time.Hour)),
		retFlow("eni-b", "i-b", "10.0.0.6", "198.51.100.2", day0.Add(5*time.Hour)),
	}
	for i, f := range flows {
		d := NewDelta(Checkpoint{URI: "flows/" + f.InterfaceID, Records: int64(i + 1)})
		d.AddFlow(&f)
		commit(t, w, d)
	}
	scope := graph.Scope{Start: day0.Add(-time.Hour), End: day0.Add(7 * time.Hour)}
	p, err := st.Profile(ctx, ProfileRequest{Key: "10.0.0.5", Kind: graph.KindIP, Scope: &scope,
		Panels: []string{PanelFlowVolume, PanelFlowDetails}})
	if err != nil {
		t.Fatal(err)
	}
	if p.FlowDetails.Total != 2 {
		t.Errorf("flow rows %+v, want the eni-a and the eni-b row", p.FlowDetails.Rows)
	}
	var records int64
	for _, r := range p.FlowDetails.Rows {
		records += r.Accepted
		if r.LocalIP != "10.0.0.5" && r.RemoteIP != "10.0.0.5" {
			t.Errorf("row %+v does not involve the address", r)
		}
	}
	if records != 3 {
		t.Errorf("%d records in the rows, want 3", records)
	}
	var in, out int64
	for _, pt := range p.FlowVolume.Points {
		in += pt.A
		out += pt.B
	}
	if in+out != 300 {
		t.Errorf("flow volume %d in + %d out, want 300 bytes", in, out)
	}
}

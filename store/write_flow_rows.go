package store

import (
	"net/netip"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// peerCacheMax bounds the flow_peer keys the writer remembers having
// written; past it the memory starts over (a key written again is ignored).
const peerCacheMax = 1 << 20

// peerKey is a flow_peer row: an interface's own address, a day, the
// interface.
type peerKey struct{ ip, day, eni int64 }

// writeFlowRows upserts flow_hour rows, the flow_peer rows that let an
// address's profile find those where it is the local side, and the
// accounts (of the interfaces, enis) both addresses were seen in.
func (t *txn) writeFlowRows(rows map[flowRowKey]*flowRow, enis map[string]string, ids map[entityKey]int64) error {
	out := make([][]int64, 0, len(rows))
	cells := make([]int64, 0, 14*len(rows))
	peers := map[peerKey]bool{}
	seen := seenIn{}
	// Addresses repeat from row to row: spell each one out once.
	addrs := map[netip.Addr]int64{}
	addr := func(a netip.Addr) int64 {
		id, ok := addrs[a]
		if !ok {
			id = lookup(ids, addrKey(a))
			addrs[a] = id
		}
		return id
	}
	for k, r := range rows {
		eni := lookup(ids, entityKey{graph.KindENI, k.eni})
		local, remote := addr(k.row.Local), addr(k.row.Remote)
		start := len(cells)
		cells = append(cells, eni, k.hour, local, remote,
			int64(k.row.LocalPort), int64(k.row.RemotePort), int64(k.row.Protocol), int64(k.row.Direction), int64(k.row.Action),
			r.BytesIn, r.BytesOut, r.PacketsIn, r.PacketsOut, r.records)
		out = append(out, cells[start:len(cells):len(cells)])
		if p := (peerKey{local, k.hour - k.hour%86400, eni}); !t.peers[p] {
			peers[p] = true
		}
		seen.add(local, enis[k.eni], k.hour, r.records)
		seen.add(remote, enis[k.eni], k.hour, r.records)
	}
	if err := t.writeRows(t.stmts.flow, out); err != nil {
		return err
	}
	if err := t.writeSeenIn(seen); err != nil {
		return err
	}
	return t.writePeers(peers)
}

// writePeers inserts flow_peer rows the writer has not written before.
func (t *txn) writePeers(peers map[peerKey]bool) error {
	if len(t.peers)+len(peers) > peerCacheMax {
		clear(t.peers)
	}
	rows := make([][]int64, 0, len(peers))
	for p := range peers {
		rows = append(rows, []int64{p.ip, p.day, p.eni})
		t.peers[p] = true
	}
	return t.writeRows(t.stmts.peer, rows)
}

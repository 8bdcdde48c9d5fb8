package store

import (
	"net/netip"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// flowDelta is the VPC-flow part of a delta.
type flowDelta struct {
	records     int
	gapRecords  int
	pending     []graph.FlowRecord
	rows        map[flowRowKey]*flowRow
	gaps        map[flowRowKey]*[2]int64
	assignments map[assignmentKey]*span
	enis        map[string]string       // ENI -> account
	instanceENI map[[2]string]*edgeSeen // (instance, ENI): hours and records
}

func newFlowDelta() flowDelta {
	return flowDelta{rows: map[flowRowKey]*flowRow{}, gaps: map[flowRowKey]*[2]int64{},
		assignments: map[assignmentKey]*span{}, enis: map[string]string{},
		instanceENI: map[[2]string]*edgeSeen{}}
}

type flowRowKey struct {
	eni  string
	hour int64
	row  graph.FlowKey
}

type flowRow struct {
	graph.FlowVolume
	records int64
}

// AddFlow adds one flow record. Records are held until the delta is
// finished, because which address is the interface's own is judged from
// all of the chunk's records of that interface.
func (d *Delta) AddFlow(f *graph.FlowRecord) {
	d.flows.records++
	if d.flows.pending == nil && d.expectFlows > 0 {
		d.flows.pending = make([]graph.FlowRecord, 0, d.expectFlows)
	}
	d.flows.pending = append(d.flows.pending, *f)
}

// Finish folds held records into rows. The writer calls it; workers may
// call it earlier to spend the work on their own core.
func (d *Delta) Finish() {
	fd := &d.flows
	if len(fd.pending) == 0 {
		return
	}
	seen := addressCounts(fd.pending)
	for i := range fd.pending {
		f := &fd.pending[i]
		hour := hourOfUnix(f.Start)
		account := f.Account
		if account == "" {
			account = d.Object.Account
		}
		if f.InterfaceID != "" {
			fd.enis[f.InterfaceID] = account
		}
		if f.Status != graph.StatusOK {
			g := fd.gaps[flowRowKey{eni: f.InterfaceID, hour: hour}]
			if g == nil {
				g = new([2]int64)
				fd.gaps[flowRowKey{eni: f.InterfaceID, hour: hour}] = g
			}
			g[f.Status-1]++
			fd.gapRecords++
			d.addCoverage("flowlog", account, f.Region, hour, 1)
			continue
		}
		local := localAddress(f, seen[f.InterfaceID])
		key, vol := graph.OrientFlow(f, local)
		rk := flowRowKey{eni: f.InterfaceID, hour: hour, row: key}
		r := fd.rows[rk]
		if r == nil {
			r = &flowRow{}
			fd.rows[rk] = r
		}
		r.BytesIn += vol.BytesIn
		r.BytesOut += vol.BytesOut
		r.PacketsIn += vol.PacketsIn
		r.PacketsOut += vol.PacketsOut
		r.records++
		d.addCoverage("flowlog", account, f.Region, hour, 1)
		if f.Instance != "" && f.InterfaceID != "" {
			fd.assign(assignmentKey{local.String(), account, f.VPC, f.Instance, f.InterfaceID}, hour)
		}
	}
	fd.pending = nil
}

func (fd *flowDelta) assign(k assignmentKey, hour int64) {
	s := fd.assignments[k]
	if s == nil {
		s = &span{}
		fd.assignments[k] = s
	}
	s.add(hour)
	ie := [2]string{k.instance, k.eni}
	s2 := fd.instanceENI[ie]
	if s2 == nil {
		s2 = &edgeSeen{}
		fd.instanceENI[ie] = s2
	}
	s2.add(hour)
	s2.count++
}

// addressCounts counts how often each address appears per interface.
func addressCounts(fs []graph.FlowRecord) map[string]map[netip.Addr]int {
	out := map[string]map[netip.Addr]int{}
	for i := range fs {
		f := &fs[i]
		if f.Status != graph.StatusOK {
			continue
		}
		m := out[f.InterfaceID]
		if m == nil {
			m = map[netip.Addr]int{}
			out[f.InterfaceID] = m
		}
		m[f.Src]++
		m[f.Dst]++
	}
	return out
}

// localAddress picks the interface's own address of a record: the
// flow-direction field where logged; else the address the interface's
// records share most; else the private one.
func localAddress(f *graph.FlowRecord, seen map[netip.Addr]int) netip.Addr {
	switch f.Direction {
	case graph.FlowIngress:
		return f.Dst
	case graph.FlowEgress:
		return f.Src
	}
	if cs, cd := seen[f.Src], seen[f.Dst]; cs != cd {
		if cs > cd {
			return f.Src
		}
		return f.Dst
	}
	if graph.IsPrivate(f.Src) && !graph.IsPrivate(f.Dst) {
		return f.Src
	}
	return f.Dst
}

package demo

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// flowFieldsV5 is the custom format of the web server's flow log: every
// field up to version 5. flowFieldsV2 is the default format.
var (
	flowFieldsV5 = []string{
		"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
		"packets", "bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id",
		"tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type",
		"sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
	}
	flowFieldsV2 = flowFieldsV5[:14]
)

// aggregation is the flow logs' maximum aggregation interval. Windows are
// aligned to it, so every record lies inside one hour's object.
const aggregation = 10 * time.Minute

const (
	tcp    = 6
	udp    = 17
	icmp   = 1
	finBit = 1
	synBit = 2
	ackSyn = 18
)

// flowLog is one flow log on one ENI.
type flowLog struct {
	id, eni, instance string
	v5                bool
}

var (
	webFlowLog = flowLog{id: FlowLogID, eni: InstanceENI, instance: Instance, v5: true}
	appFlowLog = flowLog{id: AppFlowLogID, eni: AppInstanceENI, instance: AppInstance}
)

// flowRec is one record: one direction of one connection in one window.
type flowRec struct {
	src, dst       string
	sport, dport   int
	proto          int
	packets, bytes int64
	start, end     int64
	reject         bool
	status         string // "" for OK, else NODATA or SKIPDATA
	flags          int
	ingress        bool
}

// conn is a connection, or an attempt at one, through a logged ENI.
type conn struct {
	client, server string
	cport, sport   int
	proto          int
	start, end     time.Time
	// up is sent by the client, down by the server; the segment sizes
	// turn bytes into packets.
	up, down         int64
	upSeg, downSeg   int64
	reject           bool
	localIsClient    bool
	upPkts, downPkts int64 // when set, fixed packet counts (probes)
}

// records splits c into one record per direction and window, as the ENI
// at the local end logs it. Bytes are shared out by time so that each
// direction's records sum exactly to its total.
func (c conn) records() []flowRec {
	var out []flowRec
	from, to := c.start.Unix(), max(c.end.Unix(), c.start.Unix()+1)
	span := to - from
	first := from - from%int64(aggregation/time.Second)
	step := int64(aggregation / time.Second)
	var doneUp, doneDown int64
	for w := first; w < to; w += step {
		s, e := max(w, from), min(w+step, to)
		last := w+step >= to
		upTo := c.up * (e - from) / span
		downTo := c.down * (e - from) / span
		up, down := upTo-doneUp, downTo-doneDown
		doneUp, doneDown = upTo, downTo
		var upFlags, downFlags int
		if c.proto == tcp {
			switch {
			case w == first && last:
				upFlags, downFlags = synBit|finBit, ackSyn|finBit
			case w == first:
				upFlags, downFlags = synBit, ackSyn
			case last:
				upFlags, downFlags = finBit, finBit
			}
			if c.reject {
				upFlags = synBit
			}
		}
		if up > 0 {
			out = append(out, flowRec{
				src: c.client, dst: c.server, sport: c.cport, dport: c.sport, proto: c.proto,
				bytes: up, packets: packets(up, c.upSeg, c.upPkts), start: s, end: e - 1,
				reject: c.reject, flags: upFlags, ingress: !c.localIsClient,
			})
		}
		if down > 0 && !c.reject {
			out = append(out, flowRec{
				src: c.server, dst: c.client, sport: c.sport, dport: c.cport, proto: c.proto,
				bytes: down, packets: packets(down, c.downSeg, c.downPkts), start: s, end: e - 1,
				flags: downFlags, ingress: c.localIsClient,
			})
		}
	}
	return out
}

func packets(bytes, seg, fixed int64) int64 {
	if fixed > 0 {
		return fixed
	}
	return max(1, (bytes+seg-1)/max(seg, 1))
}

// noData is a record for a window in which the ENI saw nothing (NODATA)
// or lost records (SKIPDATA).
func noData(w time.Time, status string) flowRec {
	s := w.Unix()
	return flowRec{status: status, start: s, end: s + int64(aggregation/time.Second) - 1}
}

// object renders one hour of a flow log: the header line and the records
// sorted by start time.
func (fl flowLog) object(recs []flowRec) []byte {
	slices.SortStableFunc(recs, func(a, b flowRec) int { return cmp.Compare(a.start, b.start) })
	fields := flowFieldsV2
	if fl.v5 {
		fields = flowFieldsV5
	}
	b := make([]byte, 0, 64+len(recs)*200)
	b = append(b, strings.Join(fields, " ")...)
	b = append(b, '\n')
	for _, f := range recs {
		b = fl.line(b, f)
		b = append(b, '\n')
	}
	return b
}

func (fl flowLog) line(b []byte, f flowRec) []byte {
	sp := func(s string) { b = append(b, ' '); b = append(b, s...) }
	num := func(n int64) { b = append(b, ' '); b = strconv.AppendInt(b, n, 10) }
	if fl.v5 {
		b = append(b, '5')
	} else {
		b = append(b, '2')
	}
	sp(MemberAccount)
	sp(fl.eni)
	ok := f.status == ""
	if ok {
		sp(f.src)
		sp(f.dst)
		num(int64(f.sport))
		num(int64(f.dport))
		num(int64(f.proto))
		num(f.packets)
		num(f.bytes)
	} else {
		for range 7 {
			sp("-")
		}
	}
	num(f.start)
	num(f.end)
	switch {
	case !ok:
		sp("-")
	case f.reject:
		sp("REJECT")
	default:
		sp("ACCEPT")
	}
	sp(cmp.Or(f.status, "OK"))
	if !fl.v5 {
		return b
	}
	sp(VPC)
	sp(Subnet)
	sp(fl.instance)
	if !ok {
		for _, s := range []string{"-", "-", "-", "-", Region, AZID, "-", "-", "-", "-", "-", "-"} {
			sp(s)
		}
		return b
	}
	num(int64(f.flags))
	v6 := strings.Contains(f.src, ":")
	if v6 {
		sp("IPv6")
	} else {
		sp("IPv4")
	}
	sp(f.src)
	sp(f.dst)
	sp(Region)
	sp(AZID)
	for range 4 {
		sp("-")
	}
	switch {
	case f.ingress:
		sp("ingress")
		sp("-")
	case v6:
		// Replies to IPv6 clients leave through the internet gateway.
		sp("egress")
		sp("8")
	default:
		// IPv4 leaves through the NAT gateway or stays in the VPC.
		sp("egress")
		sp("1")
	}
	return b
}

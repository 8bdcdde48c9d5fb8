package graph

import "net/netip"

// Direction is who opened a connection, seen from the local interface.
type Direction uint8

const (
	DirUnknown  Direction = 0
	DirInbound  Direction = 1 // the remote side opened it
	DirOutbound Direction = 2 // the local side opened it
)

func (d Direction) String() string {
	switch d {
	case DirInbound:
		return "inbound"
	case DirOutbound:
		return "outbound"
	}
	return "-"
}

// AnyPort stands for a client's ephemeral port, shown as "*": many client
// ports of one service fold into one row.
const AnyPort int32 = -1

// FlowKey is one row of the flow aggregate, as DESIGN.md defines it.
type FlowKey struct {
	Local, Remote         netip.Addr
	LocalPort, RemotePort int32
	Protocol              int16
	Direction             Direction
	Action                Action
}

// FlowVolume is what one record adds to its row.
type FlowVolume struct {
	BytesIn, BytesOut     int64
	PacketsIn, PacketsOut int64
}

const (
	protoTCP = 6
	tcpSYN   = 0x02
	tcpACK   = 0x10
)

// OrientFlow folds a record into its row given which of its addresses
// belongs to the interface that logged it. Direction is who opened the
// connection: the TCP SYN flag where logged, else the side on the service
// port. The client's port becomes AnyPort, so both halves of a connection
// and all of a client's source ports land on one row.
func OrientFlow(f *FlowRecord, local netip.Addr) (FlowKey, FlowVolume) {
	srcIsLocal := f.Src == local
	k := FlowKey{Protocol: f.Protocol, Action: f.Action}
	var v FlowVolume
	var localPort, remotePort int32
	if srcIsLocal {
		k.Local, k.Remote = f.Src, f.Dst
		localPort, remotePort = f.SrcPort, f.DstPort
		v.BytesOut, v.PacketsOut = f.Bytes, f.Packets
	} else {
		k.Local, k.Remote = f.Dst, f.Src
		localPort, remotePort = f.DstPort, f.SrcPort
		v.BytesIn, v.PacketsIn = f.Bytes, f.Packets
	}
	srcOpened, known := openedBySource(f)
	if !known {
		// ICMP and port-less protocols: the sender of this half is taken
		// as the opener, and ports stay as logged.
		k.LocalPort, k.RemotePort = localPort, remotePort
		k.Direction = DirInbound
		if srcIsLocal {
			k.Direction = DirOutbound
		}
		return k, v
	}
	localOpened := srcOpened == srcIsLocal
	if localOpened {
		k.Direction = DirOutbound
		k.LocalPort, k.RemotePort = AnyPort, remotePort
	} else {
		k.Direction = DirInbound
		k.LocalPort, k.RemotePort = localPort, AnyPort
	}
	return k, v
}

// openedBySource says whether the record's source opened the connection;
// known is false when the record has no ports to judge by.
func openedBySource(f *FlowRecord) (srcOpened, known bool) {
	if f.SrcPort <= 0 && f.DstPort <= 0 {
		return false, false
	}
	if f.Protocol == protoTCP && f.TCPFlags >= 0 {
		switch f.TCPFlags & (tcpSYN | tcpACK) {
		case tcpSYN:
			return true, true
		case tcpSYN | tcpACK:
			return false, true
		}
	}
	return serverPort(f.DstPort, f.SrcPort), true
}

// serverPort reports whether port a, rather than b, is the service side:
// a well-known port beats an unprivileged one, a registered port beats an
// ephemeral one, and between equals the lower port serves.
func serverPort(a, b int32) bool {
	ra, rb := portRank(a), portRank(b)
	if ra != rb {
		return ra < rb
	}
	return a <= b
}

func portRank(p int32) int {
	switch {
	case p <= 0:
		return 3
	case p < 1024:
		return 0
	case p < 32768:
		return 1
	}
	return 2
}

// IsPrivate reports whether an address is private, loopback or link-local:
// inside some network rather than on the internet.
func IsPrivate(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || isSharedAddress(a)
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

func isSharedAddress(a netip.Addr) bool { return sharedSpace.Contains(a) }

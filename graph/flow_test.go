package graph

import (
	"net/netip"
	"testing"
)

func TestOrientFlow(t *testing.T) {
	local := netip.MustParseAddr("172.16.0.7")
	client := netip.MustParseAddr("198.51.100.20")
	peer := netip.MustParseAddr("172.16.0.21")
	tests := []struct {
		name string
		f    FlowRecord
		want FlowKey
		in   int64
		out  int64
	}{
		{"inbound request by SYN", FlowRecord{Src: client, Dst: local, SrcPort: 50000, DstPort: 443, Protocol: 6, TCPFlags: 2, Bytes: 100},
			FlowKey{Local: local, Remote: client, LocalPort: 443, RemotePort: AnyPort, Protocol: 6, Direction: DirInbound}, 100, 0},
		{"inbound reply by SYN-ACK", FlowRecord{Src: local, Dst: client, SrcPort: 443, DstPort: 50001, Protocol: 6, TCPFlags: 18, Bytes: 900},
			FlowKey{Local: local, Remote: client, LocalPort: 443, RemotePort: AnyPort, Protocol: 6, Direction: DirInbound}, 0, 900},
		{"outbound ssh by port", FlowRecord{Src: local, Dst: peer, SrcPort: 40000, DstPort: 22, Protocol: 6, TCPFlags: -1, Bytes: 5},
			FlowKey{Local: local, Remote: peer, LocalPort: AnyPort, RemotePort: 22, Protocol: 6, Direction: DirOutbound}, 0, 5},
		{"SYN beats port", FlowRecord{Src: local, Dst: client, SrcPort: 443, DstPort: 50000, Protocol: 6, TCPFlags: 2},
			FlowKey{Local: local, Remote: client, LocalPort: AnyPort, RemotePort: 50000, Protocol: 6, Direction: DirOutbound}, 0, 0},
		{"registered beats ephemeral", FlowRecord{Src: client, Dst: local, SrcPort: 60000, DstPort: 8080, Protocol: 17, TCPFlags: -1},
			FlowKey{Local: local, Remote: client, LocalPort: 8080, RemotePort: AnyPort, Protocol: 17, Direction: DirInbound}, 0, 0},
		{"icmp keeps ports", FlowRecord{Src: client, Dst: local, SrcPort: 0, DstPort: 0, Protocol: 1, TCPFlags: -1},
			FlowKey{Local: local, Remote: client, LocalPort: 0, RemotePort: 0, Protocol: 1, Direction: DirInbound}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, v := OrientFlow(&tt.f, local)
			if k != tt.want {
				t.Errorf("key = %+v, want %+v", k, tt.want)
			}
			if v.BytesIn != tt.in || v.BytesOut != tt.out {
				t.Errorf("in/out = %d/%d, want %d/%d", v.BytesIn, v.BytesOut, tt.in, tt.out)
			}
		})
	}
}

func TestBothHalvesFoldIntoOneRow(t *testing.T) {
	local := netip.MustParseAddr("172.16.0.7")
	client := netip.MustParseAddr("203.0.113.9")
	req := FlowRecord{Src: client, Dst: local, SrcPort: 51000, DstPort: 443, Protocol: 6, TCPFlags: -1}
	resp := FlowRecord{Src: local, Dst: client, SrcPort: 443, DstPort: 52000, Protocol: 6, TCPFlags: -1}
	k1, _ := OrientFlow(&req, local)
	k2, _ := OrientFlow(&resp, local)
	if k1 != k2 {
		t.Fatalf("halves differ: %+v vs %+v", k1, k2)
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"evil\x1b]0;owned\x07agent": "evil]0;ownedagent",
		"bell\x07 and \u009b csi":   "bell and  csi",
		"raw 8-bit \x9b csi":        "raw 8-bit \ufffd csi",
		"bad\xffutf8":               "bad\ufffdutf8",
		"tab\tnewline\n":            "tabnewline",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

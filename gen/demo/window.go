package demo

import (
	"math/rand/v2"
	"time"
)

// utc is a time of the scenario to the second.
func utc(month time.Month, d, h, m, s int) time.Time {
	return time.Date(2026, month, d, h, m, s, 0, time.UTC)
}

// windowConns are the connections the VPC walkthrough investigates, all
// on Instance in [VPCWindowStart, VPCWindowEnd), on top of its routine:
//   - the Tor circuits behind TorFindingID, one entry node per update;
//   - the IRC connection behind PortUnusualFindingID;
//   - the brute-force attempts behind SSHBruteFindingIDs, mostly rejected;
//   - two large inbound uploads on 443 from SpikeIPs, in two hours, that
//     no finding explains ("are these spikes part of it?");
//   - large outbound transfers on 22 to internal Port22Peers in the same
//     hours, the largest (Port22BigBytes to Port22BigPeer) the top row
//     by outbound bytes.
func windowConns() []conn {
	r := newRand("window", 0)
	var cs []conn
	out := func(server string, port int, s, e time.Time, up, down, upSeg, downSeg int64) {
		cs = append(cs, conn{
			client: InstanceIP, server: server, cport: ephemeral(r), sport: port, proto: tcp, start: s, end: e,
			up: up, down: down, upSeg: upSeg, downSeg: downSeg, localIsClient: true,
		})
	}
	out(TorRemoteIPs[0], TorPort, TorFirstSeen, utc(10, 14, 21, 58, 10), 1_450_000, 3_900_000, 540, 540)
	out(TorRemoteIPs[1], TorPort, utc(10, 14, 22, 3, 20), utc(10, 14, 23, 59, 40), 1_200_000, 2_800_000, 540, 540)
	out(TorRemoteIPs[2], TorPort, utc(10, 15, 0, 2, 5), TorLastSeen, 980_000, 2_300_000, 540, 540)
	out(PortUnusualIP, PortUnusualPort, utc(10, 14, 20, 31, 12), utc(10, 14, 21, 20, 40), 210_000, 640_000, 300, 300)

	cs = append(cs, bruteForce(r, SSHBruteIPs[0], utc(10, 14, 20, 15, 0), utc(10, 14, 21, 29, 30))...)
	cs = append(cs, bruteForce(r, SSHBruteIPs[1], utc(10, 14, 23, 10, 0), utc(10, 15, 0, 40, 0))...)

	spike := func(ip string, total int64, s, e time.Time) {
		parts := []int64{total * 36 / 100, total * 33 / 100}
		parts = append(parts, total-parts[0]-parts[1])
		for i, up := range parts {
			start := s.Add(time.Duration(i*47) * time.Second)
			cs = append(cs, conn{
				client: ip, server: InstanceIP, cport: ephemeral(r), sport: 443, proto: tcp, start: start, end: e,
				up: up, down: up / 120, upSeg: 1448, downSeg: 52,
			})
		}
	}
	spike(SpikeIPs[0], SpikeBytes[0], utc(10, 14, 21, 5, 0), utc(10, 14, 21, 52, 30))
	spike(SpikeIPs[1], SpikeBytes[1], utc(10, 14, 23, 14, 0), utc(10, 14, 23, 56, 0))

	const bigFirst = 120_000_000
	ssh := func(peer string, up int64, s, e time.Time) { out(peer, 22, s, e, up, up/70, 1448, 52) }
	ssh(Port22Peers[0], bigFirst, utc(10, 14, 21, 12, 5), utc(10, 14, 21, 47, 55))
	ssh(Port22Peers[0], Port22PeerBytes[0]-bigFirst, utc(10, 14, 23, 5, 30), utc(10, 14, 23, 41, 10))
	ssh(Port22Peers[1], Port22PeerBytes[1], utc(10, 14, 22, 10, 0), utc(10, 14, 22, 38, 0))
	ssh(Port22Peers[2], Port22PeerBytes[2], utc(10, 15, 0, 12, 0), utc(10, 15, 0, 31, 0))
	return cs
}

// bruteForce is one address trying passwords on 22 every half minute or
// so: most attempts rejected, some let through for a short session.
func bruteForce(r *rand.Rand, ip string, from, to time.Time) []conn {
	var cs []conn
	for t := from; t.Before(to); t = t.Add(time.Duration(between(r, 25, 45)) * time.Second) {
		c := conn{client: ip, server: InstanceIP, cport: ephemeral(r), sport: 22, proto: tcp, start: t, end: t}
		if chance(r, 0.15) {
			c.end = t.Add(time.Duration(between(r, 3, 8)) * time.Second)
			c.up, c.down, c.upSeg, c.downSeg = int64(between(r, 2200, 3800)), int64(between(r, 2800, 4500)), 120, 160
		} else {
			c.reject, c.up, c.upPkts = true, 60, 1
			if chance(r, 0.3) {
				c.up, c.upPkts = 120, 2
			}
		}
		cs = append(cs, c)
	}
	return cs
}

// probeConns are the scanner behind PortProbeFindingID finding 443 open
// a month before the incident.
func probeConns() []conn {
	r := newRand("portprobe", 0)
	var cs []conn
	for _, s := range []time.Time{
		utc(9, 9, 11, 2, 14), utc(9, 9, 11, 5, 40), utc(9, 9, 11, 9, 3), utc(9, 9, 11, 13, 51), utc(9, 9, 11, 20, 8),
		utc(9, 10, 3, 31, 22), utc(9, 10, 3, 35, 9), utc(9, 10, 3, 38, 47),
	} {
		cs = append(cs, conn{
			client: PortProbeIP, server: InstanceIP, cport: ephemeral(r), sport: 443, proto: tcp,
			start: s, end: s.Add(time.Second), up: int64(between(r, 180, 400)), down: int64(between(r, 1500, 5000)),
			upSeg: 100, downSeg: 1400,
		})
	}
	return cs
}

// scenarioRecords groups the web server's scenario records by hour.
func scenarioRecords() map[time.Time][]flowRec {
	byHour := map[time.Time][]flowRec{}
	for _, c := range append(windowConns(), probeConns()...) {
		for _, f := range c.records() {
			h := time.Unix(f.start, 0).UTC().Truncate(time.Hour)
			byHour[h] = append(byHour[h], f)
		}
	}
	return byHour
}

package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// SkipDataHour is the one hour in which the web server's flow log lost
// records: two of its windows are SKIPDATA rows.
var SkipDataHour = time.Date(2026, 9, 10, 4, 0, 0, 0, time.UTC)

// flowStart is the first hour the flow logs deliver: the first full hour
// after the instances were launched and their flow logs created.
func flowStart() time.Time { return LaunchTime.Truncate(time.Hour).Add(time.Hour) }

// activity is the daily rhythm of the web service, 0 at night to 1 at
// the American afternoon peak (19:00 UTC), lower at weekends.
func activity(h time.Time) float64 {
	a := 0.5 + 0.5*math.Cos(2*math.Pi*float64(h.Hour()-19)/24)
	if weekend(h) {
		a *= 0.7
	}
	return a
}

func ephemeral(r *rand.Rand) int { return between(r, 32768, 60999) }

// at returns a start time within hour h and the end after dur, clipped to
// the hour so that routine connections never span two objects.
func at(r *rand.Rand, h time.Time, dur time.Duration) (time.Time, time.Time) {
	s := h.Add(time.Duration(r.IntN(3540)) * time.Second)
	e := s.Add(dur)
	if last := h.Add(time.Hour - time.Second); e.After(last) {
		e = last
	}
	return s, e
}

// webClient is one visitor of the web server: a few hundred regulars
// (the square skews choices towards the first of them), one in ten over
// IPv6. Every address is in a documentation range.
func webClient(r *rand.Rand) (client, server string) {
	if chance(r, 0.1) {
		return "2001:db8:c1::" + strconv.FormatInt(int64(between(r, 1, 64)), 16), InstanceIPv6
	}
	u := r.Float64()
	k := int(178 * u * u)
	if k < 99 {
		return "198.51.100." + strconv.Itoa(k+1), InstanceIP
	}
	return "203.0.113." + strconv.Itoa(k-98), InstanceIP
}

// prober is an internet scanner knocking on closed ports.
func prober(r *rand.Rand) string {
	if chance(r, 0.5) {
		n := between(r, 130, 178)
		if n == 140 { // PortProbeIP probes open ports only
			n = 179
		}
		return "198.51.100." + strconv.Itoa(n)
	}
	return "203.0.113." + strconv.Itoa(between(r, 160, 199))
}

var probedPorts = []int{22, 22, 22, 22, 3389, 3389, 3389, 23, 445, 1433, 3306, 5900, 8080, 6379, 25}

// webRoutine is an ordinary hour of the web server: visitors on 443, a
// package mirror every third hour, DNS lookups, and rejected probes.
func webRoutine(r *rand.Rand, h time.Time) []conn {
	var cs []conn
	for range int(math.Round(6+24*activity(h))) + r.IntN(4) {
		client, server := webClient(r)
		s, e := at(r, h, time.Duration((1+r.ExpFloat64()*20)*float64(time.Second)))
		down := int64(math.Exp(8.5 + 1.6*r.NormFloat64()))
		cs = append(cs, conn{
			client: client, server: server, cport: ephemeral(r), sport: 443, proto: tcp, start: s, end: e,
			up: int64(between(r, 350, 4000)), down: min(max(down, 600), 3_000_000), upSeg: 180, downSeg: 1200,
		})
	}
	if h.Hour()%3 == 0 {
		s, e := at(r, h, time.Duration(between(r, 2, 40))*time.Second)
		cs = append(cs, conn{
			client: InstanceIP, server: UpdateServerIP, cport: ephemeral(r), sport: 443, proto: tcp, start: s, end: e,
			up: int64(between(r, 900, 2500)), down: int64(between(r, 20_000, 3_000_000)), upSeg: 120, downSeg: 1400,
			localIsClient: true,
		})
	}
	for range between(r, 2, 6) {
		s, e := at(r, h, time.Second)
		cs = append(cs, conn{
			client: InstanceIP, server: ResolverIP, cport: ephemeral(r), sport: 53, proto: udp, start: s, end: e,
			up: int64(between(r, 60, 100)), down: int64(between(r, 90, 400)), upPkts: 1, downPkts: 1,
			localIsClient: true,
		})
	}
	for range between(r, 1, 5) {
		s, _ := at(r, h, 0)
		p := conn{
			client: prober(r), server: InstanceIP, cport: ephemeral(r), sport: oneOf(r, probedPorts...), proto: tcp,
			start: s, end: s, up: int64(oneOf(r, 40, 44, 60)), upPkts: 1, reject: true,
		}
		switch {
		case chance(r, 0.08):
			p.proto, p.cport, p.sport, p.up = icmp, 0, 0, int64(between(r, 28, 84))
		case chance(r, 0.04):
			p.client, p.server = "2001:db8:bad::"+strconv.Itoa(between(r, 1, 9)), InstanceIPv6
		case chance(r, 0.3):
			p.up, p.upPkts = p.up*2, 2
		}
		cs = append(cs, p)
	}
	return cs
}

// lbAddrs are the load balancer's addresses in the subnet; they forward
// to the app server and are not logged themselves.
var lbAddrs = []string{"172.16.0.10", "172.16.0.11"}

// appRoutine is an ordinary hour of the quiet app server: requests on 8080
// from the load balancer, its agent's hourly report, a DNS lookup or two.
func appRoutine(r *rand.Rand, h time.Time) []conn {
	var cs []conn
	for range int(math.Round(8*activity(h))) + r.IntN(3) - 1 {
		s, e := at(r, h, time.Duration(between(r, 1, 5))*time.Second)
		cs = append(cs, conn{
			client: oneOf(r, lbAddrs...), server: AppInstanceIP, cport: ephemeral(r), sport: 8080, proto: tcp,
			start: s, end: e, up: int64(between(r, 300, 2000)), down: int64(between(r, 500, 20_000)),
			upSeg: 300, downSeg: 1400,
		})
	}
	s, e := at(r, h, time.Duration(between(r, 1, 3))*time.Second)
	cs = append(cs, conn{
		client: AppInstanceIP, server: SSMEndpointIP, cport: ephemeral(r), sport: 443, proto: tcp, start: s, end: e,
		up: int64(between(r, 2000, 5000)), down: int64(between(r, 1000, 3000)), upSeg: 400, downSeg: 400,
		localIsClient: true,
	})
	for range r.IntN(3) {
		s, e := at(r, h, time.Second)
		cs = append(cs, conn{
			client: AppInstanceIP, server: ResolverIP, cport: ephemeral(r), sport: 53, proto: udp, start: s, end: e,
			up: int64(between(r, 60, 100)), down: int64(between(r, 90, 300)), upPkts: 1, downPkts: 1,
			localIsClient: true,
		})
	}
	return cs
}

// hourRecords turns an hour's connections into records, adds the
// scenario's records for that hour and marks windows without any as
// NODATA. A lossy log loses two windows of SkipDataHour to SKIPDATA.
func hourRecords(h time.Time, cs []conn, extra []flowRec, lossy bool) []flowRec {
	var recs []flowRec
	for _, c := range cs {
		recs = append(recs, c.records()...)
	}
	recs = append(recs, extra...)
	step := int64(aggregation / time.Second)
	if lossy && h.Equal(SkipDataHour) {
		lost := func(f flowRec) bool { w := (f.start - h.Unix()) / step; return w == 2 || w == 3 }
		kept := recs[:0]
		for _, f := range recs {
			if !lost(f) {
				kept = append(kept, f)
			}
		}
		recs = kept
		for w := int64(2); w <= 3; w++ {
			recs = append(recs, noData(h.Add(time.Duration(w*step)*time.Second), "SKIPDATA"))
		}
	}
	var seen [6]bool
	for _, f := range recs {
		seen[(f.start-h.Unix())/step] = true
	}
	for w, ok := range seen {
		if !ok {
			recs = append(recs, noData(h.Add(time.Duration(w)*aggregation), "NODATA"))
		}
	}
	return recs
}

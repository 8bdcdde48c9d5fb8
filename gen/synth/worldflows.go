package synth

import (
	"fmt"
	"strconv"
	"time"
)

// flowObject is an open flow log object of one account.
type flowObject struct {
	z   *gzFile
	n   int
	day int
}

// clientIP is one of the internet clients of web servers, in
// 203.0.0.0/16 (but 203.0.113.0/24, kept for anomalies): a few are busy,
// most come once in a while.
func (w *worldWriter) clientIP() string {
	u := w.g.rng.Float64()
	idx := int(u * u * u * 254 * 255)
	third := idx / 254
	if third >= 113 {
		third++
	}
	return "203.0." + strconv.Itoa(third) + "." + strconv.Itoa(idx%254+1)
}

// endpointIP is a cloud endpoint instances call, in 198.18.0.0/15.
func (w *worldWriter) endpointIP() string {
	u := w.g.rng.Float64()
	k := int(u * u * 2000)
	return "198.18." + strconv.Itoa(k/254) + "." + strconv.Itoa(k%254+1)
}

func (w *worldWriter) ephemeral() int { return 32768 + w.g.rng.IntN(28000) }

var scanPorts = []int{23, 3389, 445, 1433, 8080, 22, 3306, 6379, 5900, 9200}

// hourFlows writes n flow records of the account's instances in the hour
// that starts at t: web servers serve the internet, app servers the web
// servers, databases the app servers, bastions their admins; everyone
// calls cloud endpoints, and scanners knock on closed ports.
func (w *worldWriter) hourFlows(ac *acctWorld, t time.Time, n int) error {
	if n <= 0 {
		return nil
	}
	g := w.g
	var alive []*instance
	var cum []float64
	byKind := map[int][]*instance{}
	total := 0.0
	for _, in := range ac.instances {
		if in.alive(t) {
			alive = append(alive, in)
			total += in.weight
			cum = append(cum, total)
			byKind[in.kind] = append(byKind[in.kind], in)
		}
	}
	if len(alive) == 0 {
		return nil
	}
	o, err := w.flowObj(ac, t)
	if err != nil {
		return err
	}
	base := t.Unix()
	for written := 0; written < n; {
		in := alive[g.pickCum(cum)]
		start := base + int64(g.rng.IntN(3540))
		switch x := g.rng.IntN(100); {
		case x < 3:
			written += w.flowPair(o, in, w.clientIP(), in.ip, w.ephemeral(), scanPorts[g.rng.IntN(len(scanPorts))], start, true, false)
		case x < 35:
			written += w.flowPair(o, in, in.ip, w.endpointIP(), w.ephemeral(), 443, start, false, true)
		default:
			written += w.serve(o, ac, in, byKind, start)
		}
	}
	return nil
}

// serve writes a connection to what the instance serves.
func (w *worldWriter) serve(o *flowObject, ac *acctWorld, in *instance, byKind map[int][]*instance, start int64) int {
	g := w.g
	switch in.kind {
	case instWeb:
		port := 443
		if g.rng.IntN(5) == 0 {
			port = 80
		}
		return w.flowPair(o, in, w.clientIP(), in.ip, w.ephemeral(), port, start, false, true)
	case instApp, instDB:
		from, port := byKind[instWeb], 8080
		if in.kind == instDB {
			from, port = byKind[instApp], 5432
		}
		if len(from) == 0 {
			return w.flowPair(o, in, in.ip, w.endpointIP(), w.ephemeral(), 443, start, false, true)
		}
		c := from[g.rng.IntN(len(from))]
		cport := w.ephemeral()
		n := w.flowPair(o, c, c.ip, in.ip, cport, port, start, false, true)
		return n + w.flowPair(o, in, c.ip, in.ip, cport, port, start, false, true)
	case instBastion:
		u := ac.users[g.rng.IntN(len(ac.users))]
		return w.flowPair(o, in, u.ips[0], in.ip, w.ephemeral(), 22, start, false, true)
	}
	return w.flowPair(o, in, in.ip, w.endpointIP(), w.ephemeral(), 443, start, false, true)
}

// flowPair writes one connection from client to server as in's interface
// logs it: the opening half (SYN) and, unless rejected or one-sided, the
// answer (SYN-ACK). It returns the records written.
func (w *worldWriter) flowPair(o *flowObject, in *instance, client, server string, cport, sport int, start int64, reject, answer bool) int {
	g := w.g
	action := "ACCEPT"
	if reject || g.rng.IntN(40) == 0 {
		action, answer = "REJECT", false
	}
	bytesIn := 120 + g.rng.IntN(6000)
	w.flowLine(o, in, client, server, cport, sport, bytesIn, start, action, 2)
	if !answer {
		return 1
	}
	w.flowLine(o, in, server, client, sport, cport, bytesIn*6+g.rng.IntN(20000), start, action, 18)
	return 2
}

func (w *worldWriter) flowLine(o *flowObject, in *instance, src, dst string, sport, dport, bytes int, start int64, action string, flags int) {
	dir := "ingress"
	if src == in.ip {
		dir = "egress"
	}
	b := o.z.bw
	b.WriteString("5 ")
	b.WriteString(in.acct.id)
	b.WriteByte(' ')
	b.WriteString(in.eni)
	b.WriteByte(' ')
	b.WriteString(src)
	b.WriteByte(' ')
	b.WriteString(dst)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(sport))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(dport))
	b.WriteString(" 6 ")
	b.WriteString(strconv.Itoa(1 + bytes/1200))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(bytes))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(start, 10))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(start+60, 10))
	b.WriteByte(' ')
	b.WriteString(action)
	b.WriteString(" OK ")
	b.WriteString(in.vpc)
	b.WriteByte(' ')
	b.WriteString(in.subnet)
	b.WriteByte(' ')
	b.WriteString(in.id)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(flags))
	b.WriteString(" IPv4 ")
	b.WriteString(src)
	b.WriteByte(' ')
	b.WriteString(dst)
	b.WriteString(" us-east-1 use1-az1 - - - - ")
	b.WriteString(dir)
	b.WriteString(" 1\n")
	o.n++
	w.g.out.Flows++
}

// flowObj is the account's open flow log object for the hour at t; an
// object holds at most one day and FlowsPerObject records.
func (w *worldWriter) flowObj(ac *acctWorld, t time.Time) (*flowObject, error) {
	day := int(t.Sub(w.start) / (24 * time.Hour))
	o := w.flows[ac.idx]
	if o != nil && (o.day != day || o.n >= w.g.opts.FlowsPerObject) {
		if err := w.closeFlows(o); err != nil {
			return nil, err
		}
		o = nil
	}
	if o == nil {
		rel := fmt.Sprintf("flows/AWSLogs/%s/vpcflowlogs/us-east-1/%s/%s_vpcflowlogs_us-east-1_fl-%s_%s_%s.log.gz",
			ac.id, t.Format("2006/01/02"), ac.id, w.g.hex(17), t.Format("20060102T1504Z"), w.g.hex(8))
		z, err := w.g.create(rel)
		if err != nil {
			return nil, err
		}
		z.bw.WriteString(flowHeader)
		o = &flowObject{z: z, day: day}
		w.flows[ac.idx] = o
	}
	return o, nil
}

func (w *worldWriter) closeFlows(o *flowObject) error {
	if o == nil || o.z == nil {
		return nil
	}
	err := o.z.close(w.g)
	o.z = nil
	return err
}

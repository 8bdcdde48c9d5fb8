package synth

import (
	"fmt"
	"strconv"
	"time"
)

const flowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n"

// flowLogs writes version-5 flow log objects: each interface serves a port
// to many clients, and each connection is logged in both directions.
func (g *generator) flowLogs() error {
	per := g.opts.FlowsPerObject
	t := g.opts.Start
	for written, obj := 0, 0; written < g.opts.Flows; written, obj = written+per, obj+1 {
		n := min(per, g.opts.Flows-written)
		acct := g.account(obj % g.opts.Accounts)
		rel := fmt.Sprintf("flows/AWSLogs/%s/vpcflowlogs/us-east-1/%s/%s_vpcflowlogs_us-east-1_fl-%s_%s_%s.log.gz",
			acct, t.Format("2006/01/02"), acct, g.hex(17), t.Format("20060102T1504Z"), g.hex(8))
		z, err := g.create(rel)
		if err != nil {
			return err
		}
		z.bw.WriteString(flowHeader)
		g.flowRecords(z, acct, t, n)
		if err := z.close(g); err != nil {
			return err
		}
		g.out.Flows += n
		t = t.Add(10 * time.Minute)
	}
	return nil
}

var servicePorts = []int{443, 80, 22, 5432, 6379, 8080}

func (g *generator) flowRecords(z *gzFile, acct string, t time.Time, n int) {
	w := z.bw
	for i := 0; i < n; i += 2 {
		host := g.rng.IntN(64)
		eni := fmt.Sprintf("eni-%017x", host+1)
		inst := fmt.Sprintf("i-%017x", host+1)
		local := fmt.Sprintf("10.0.%d.%d", host/250, host%250+4)
		remote := fmt.Sprintf("203.0.%d.%d", g.rng.IntN(114), 1+g.rng.IntN(254))
		port := servicePorts[host%len(servicePorts)]
		client := 32768 + g.rng.IntN(28000)
		start := t.Unix() + int64(g.rng.IntN(600))
		action := "ACCEPT"
		if g.rng.IntN(20) == 0 {
			action = "REJECT"
		}
		bytesIn := 200 + g.rng.IntN(5000)
		halves := [2][6]string{
			{remote, local, itoa(client), itoa(port), "2", "ingress"},
			{local, remote, itoa(port), itoa(client), "18", "egress"},
		}
		for h := 0; h < 2 && i+h < n; h++ {
			x := halves[h]
			bytes := bytesIn
			if h == 1 {
				bytes *= 8
			}
			w.WriteString("5 " + acct + " " + eni + " " + x[0] + " " + x[1] + " " + x[2] + " " + x[3] + " 6 ")
			w.WriteString(itoa(1+bytes/1200) + " " + itoa(bytes) + " ")
			w.WriteString(strconv.FormatInt(start, 10) + " " + strconv.FormatInt(start+60, 10) + " " + action + " OK ")
			w.WriteString("vpc-0a1b2c3d subnet-0a1b2c3d " + inst + " " + x[4] + " IPv4 " + x[0] + " " + x[1] + " us-east-1 use1-az1 - - - - " + x[5] + " 1\n")
		}
	}
}

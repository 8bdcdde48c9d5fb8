package synth

import (
	"fmt"
	"time"
)

// principal is a caller with habits: its identity JSON, addresses and agent.
type principal struct {
	identity string
	ips      []string
	agent    string
}

var (
	regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"}
	agents  = []string{"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023",
		"Boto3/1.34.50 md/Botocore#1.34.50 ua/2.0 os/linux#6.1 lang/python#3.11.8",
		"aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux api/s3#1.51.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36",
		"terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0"}
	apis = [][2]string{{"ec2", "DescribeInstances"}, {"ec2", "DescribeSecurityGroups"}, {"s3", "GetObject"},
		{"s3", "PutObject"}, {"s3", "ListBuckets"}, {"iam", "GetRole"}, {"iam", "ListRoles"},
		{"sts", "GetCallerIdentity"}, {"lambda", "ListFunctions"}, {"kms", "Decrypt"},
		{"cloudtrail", "DescribeTrails"}, {"logs", "PutLogEvents"}, {"dynamodb", "GetItem"}}
)

// people makes each account's principals: IAM users, role sessions and
// instance-profile sessions.
func (g *generator) people() {
	for a := 0; a < g.opts.Accounts; a++ {
		acct := g.account(a)
		var ps []principal
		for u := 0; u < 6; u++ {
			name := "user" + itoa(u)
			ps = append(ps, principal{identity: fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"AKIA%s","userName":"%s"}`,
				g.upper(17), acct, name, acct, g.upper(16), name)})
		}
		for r := 0; r < 10; r++ {
			roleID := "AROA" + g.upper(17)
			role := "Role" + itoa(r)
			session := fmt.Sprintf("session-%d", g.rng.IntN(50))
			ps = append(ps, principal{identity: fmt.Sprintf(`{"type":"AssumedRole","principalId":"%s:%s","arn":"arn:aws:sts::%s:assumed-role/%s/%s","accountId":"%s","accessKeyId":"ASIA%s","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"%s","arn":"arn:aws:iam::%s:role/%s","accountId":"%s","userName":"%s"},"attributes":{"creationDate":"2026-09-01T00:00:00Z","mfaAuthenticated":"false"}}}`,
				roleID, session, acct, role, session, acct, g.upper(16), roleID, acct, role, acct, role)})
		}
		for i := range ps {
			for n := 0; n < 1+g.rng.IntN(3); n++ {
				ps[i].ips = append(ps[i].ips, fmt.Sprintf("198.51.%d.%d", g.rng.IntN(100), 1+g.rng.IntN(254)))
			}
			ps[i].agent = agents[g.rng.IntN(len(agents))]
		}
		g.principals = append(g.principals, ps)
	}
}

// cloudTrail writes S3 delivery objects, one line each, in the standard layout.
func (g *generator) cloudTrail() error {
	per := g.opts.EventsPerObject
	t := g.opts.Start
	for written := 0; written < g.opts.Events; written += per {
		n := min(per, g.opts.Events-written)
		a := (written / per) % g.opts.Accounts
		acct := g.account(a)
		region := regions[(written/per/g.opts.Accounts)%len(regions)]
		rel := fmt.Sprintf("trail/AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
			acct, region, t.Format("2006/01/02"), acct, region, t.Format("20060102T1504Z"), g.upper(16))
		z, err := g.create(rel)
		if err != nil {
			return err
		}
		z.bw.WriteString(`{"Records":[`)
		for i := 0; i < n; i++ {
			if i > 0 {
				z.bw.WriteByte(',')
			}
			at := t.Add(time.Duration(g.rng.IntN(3600)) * time.Second)
			g.event(z, a, region, at)
		}
		z.bw.WriteString("]}")
		if err := z.close(g); err != nil {
			return err
		}
		g.out.Events += n
		t = t.Add(time.Duration(3600/max(1, g.opts.Accounts)) * time.Second)
	}
	return nil
}

func (g *generator) event(z *gzFile, account int, region string, at time.Time) {
	acct := g.account(account)
	ps := g.principals[account]
	p := &ps[g.rng.IntN(len(ps))]
	api := apis[g.rng.IntN(len(apis))]
	errPart := ""
	if g.rng.IntN(50) == 0 {
		errPart = `"errorCode":"AccessDenied","errorMessage":"User is not authorized to perform this operation",`
	}
	w := z.bw
	w.WriteString(`{"eventVersion":"1.09","userIdentity":`)
	w.WriteString(p.identity)
	w.WriteString(`,"eventTime":"`)
	w.WriteString(at.Format(time.RFC3339))
	w.WriteString(`","eventSource":"`)
	w.WriteString(api[0])
	w.WriteString(`.amazonaws.com","eventName":"`)
	w.WriteString(api[1])
	w.WriteString(`","awsRegion":"`)
	w.WriteString(region)
	w.WriteString(`","sourceIPAddress":"`)
	w.WriteString(p.ips[g.rng.IntN(len(p.ips))])
	w.WriteString(`","userAgent":"`)
	w.WriteString(p.agent)
	w.WriteString(`",`)
	w.WriteString(errPart)
	w.WriteString(`"requestParameters":{"maxResults":100,"filterSet":{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"}]}}]}},"responseElements":null,"requestID":"`)
	w.WriteString(g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12))
	w.WriteString(`","eventID":"`)
	w.WriteString(g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12))
	w.WriteString(`","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"`)
	w.WriteString(acct)
	w.WriteString(`","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`)
	w.WriteString(api[0] + "." + region + ".amazonaws.com")
	w.WriteString(`"}}`)
}

package synth

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// The world Options.Days writes: every account has IAM users, roles that
// people assume, Identity Center permission-set roles, an instance-profile
// role, S3 buckets and instances; Identity Center users work across
// accounts; sessions come and go as people assume roles, chain into other
// roles and other accounts, and as EC2 renews instance credentials.

// worldAPI is an API in callers' habits, with its request parameters.
type worldAPI struct {
	service, name string
	readOnly      bool
	req           int // reqNone, reqBucket, reqRole, reqInstance
}

const (
	reqNone = iota
	reqBucket
	reqRole
	reqInstance
)

var worldAPIs = []worldAPI{
	{"ec2", "DescribeInstances", true, reqNone}, {"ec2", "DescribeSecurityGroups", true, reqNone},
	{"ec2", "DescribeVpcs", true, reqNone}, {"ec2", "DescribeSubnets", true, reqNone},
	{"ec2", "DescribeVolumes", true, reqNone}, {"ec2", "DescribeImages", true, reqNone},
	{"ec2", "DescribeNetworkInterfaces", true, reqNone}, {"ec2", "DescribeTags", true, reqNone},
	{"ec2", "StartInstances", false, reqInstance}, {"ec2", "StopInstances", false, reqInstance},
	{"ec2", "CreateTags", false, reqInstance}, {"ec2", "AuthorizeSecurityGroupIngress", false, reqNone},
	{"s3", "GetObject", true, reqBucket}, {"s3", "PutObject", false, reqBucket},
	{"s3", "ListObjects", true, reqBucket}, {"s3", "HeadObject", true, reqBucket},
	{"s3", "ListBuckets", true, reqNone}, {"s3", "GetBucketPolicy", true, reqBucket},
	{"s3", "DeleteObject", false, reqBucket}, {"s3", "GetBucketAcl", true, reqBucket},
	{"iam", "GetRole", true, reqRole}, {"iam", "ListRoles", true, reqNone},
	{"iam", "ListUsers", true, reqNone}, {"iam", "GetUser", true, reqNone},
	{"iam", "ListAttachedRolePolicies", true, reqRole}, {"iam", "ListAccessKeys", true, reqNone},
	{"iam", "GetAccountAuthorizationDetails", true, reqNone}, {"iam", "AttachRolePolicy", false, reqRole},
	{"sts", "GetCallerIdentity", true, reqNone}, {"lambda", "ListFunctions20150331", true, reqNone},
	{"lambda", "GetFunction20150331v2", true, reqNone}, {"lambda", "Invoke", false, reqNone},
	{"kms", "Decrypt", true, reqNone}, {"kms", "GenerateDataKey", true, reqNone},
	{"kms", "ListKeys", true, reqNone}, {"cloudtrail", "DescribeTrails", true, reqNone},
	{"cloudtrail", "LookupEvents", true, reqNone}, {"logs", "PutLogEvents", false, reqNone},
	{"logs", "CreateLogStream", false, reqNone}, {"logs", "DescribeLogGroups", true, reqNone},
	{"dynamodb", "GetItem", true, reqNone}, {"dynamodb", "PutItem", false, reqNone},
	{"dynamodb", "Query", true, reqNone}, {"dynamodb", "DescribeTable", true, reqNone},
	{"ssm", "GetParameter", true, reqNone}, {"ssm", "GetParameters", true, reqNone},
	{"ssm", "UpdateInstanceInformation", false, reqNone}, {"secretsmanager", "GetSecretValue", true, reqNone},
	{"sqs", "ReceiveMessage", true, reqNone}, {"sqs", "SendMessage", false, reqNone},
	{"sns", "Publish", false, reqNone}, {"ecr", "GetAuthorizationToken", true, reqNone},
	{"ecr", "BatchGetImage", true, reqNone}, {"cloudformation", "DescribeStacks", true, reqNone},
	{"cloudformation", "UpdateStack", false, reqNone}, {"rds", "DescribeDBInstances", true, reqNone},
	{"monitoring", "PutMetricData", false, reqNone}, {"monitoring", "GetMetricData", true, reqNone},
	{"organizations", "DescribeOrganization", true, reqNone}, {"config", "DescribeConfigRules", true, reqNone},
}

// instanceAPIs are what software on an instance calls.
var instanceAPIs = []int{12, 13, 14, 32, 33, 37, 38, 40, 41, 42, 44, 46, 48, 49, 50, 51, 55, 20}

var humanAgents = []string{
	"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
	"aws-cli/2.17.2 Python/3.11.9 Darwin/23.5.0 exe/x86_64 prompt/off",
	"Boto3/1.34.50 md/Botocore#1.34.50 ua/2.0 os/linux#6.1 lang/python#3.11.8",
	"Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/macos#23.5.0 lang/python#3.12.4",
	"aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux api/s3#1.51.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
	"terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0",
	"aws-sdk-java/2.25.11 Linux/6.1 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10",
	"aws-internal/3 aws-sdk-java/1.12.680 Linux/5.10 OpenJDK_64-Bit_Server_VM/25.402-b08",
}

var instanceAgents = []string{
	"aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux api/s3#1.51.0",
	"Boto3/1.34.50 md/Botocore#1.34.50 ua/2.0 os/linux#6.1 lang/python#3.11.8",
	"aws-sdk-java/2.25.11 Linux/6.1 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10",
	"amazon-ssm-agent/3.3.40.0",
	"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023",
}

var ssoNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "uma", "victor", "walter",
	"xena", "yusuf", "zoe", "amir", "bea", "chen", "dina", "emil", "fatima", "goran"}

var ssoSurnames = []string{"smith", "jones", "garcia", "kim", "nguyen", "patel", "muller", "rossi"}

var permissionSets = []string{"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"}

var roleNames = []string{"deploy", "ops-admin", "ci-runner", "data-reader", "data-writer", "billing",
	"security-audit", "network-admin", "backup", "support", "dev", "analytics"}

// Instance types: what an instance serves and whom it talks to.
const (
	instWeb = iota
	instApp
	instDB
	instBastion
	instWorker
)

// caller is a principal with habits: its userIdentity JSON, addresses,
// user agent, the APIs it calls (most habitual first) and how busy it is.
type caller struct {
	identity string
	ips      []string
	agent    string
	apis     []int
	apiCum   []float64
	weight   float64
	acct     *acctWorld
	// direct is false for Identity Center users, who call only through
	// their sessions.
	direct bool
	// nightOwl callers keep working around the clock (instances).
	nightOwl bool
	// for IAM users: the names a finding's accessKeyDetails uses
	userName, principalID, accessKey string
}

type role struct {
	id, name, arn, acct string
	// apis are the role's habits: what its sessions call.
	apis   []int
	apiCum []float64
}

type session struct {
	c       caller
	role    *role
	name    string
	key     string
	created time.Time
	expires time.Time
	// starter is who began it: an IAM user, an Identity Center user or
	// another session (nil for instance profiles).
	starter *caller
	chained bool
}

type ssoUser struct {
	name   string
	c      caller
	accts  []int
	roleIx []int // permission set per account
	weight float64
}

type instance struct {
	id, eni, ip, vpc, subnet string
	acct                     *acctWorld
	kind                     int
	launched, terminated     time.Time
	launchedAnnounced        bool
	session                  *session // instance-profile session; nil for none
	profile                  bool
	c                        caller // habits of software calling with the profile
	weight                   float64
	// nextRenew is when EC2 renews the profile's credentials.
	nextRenew time.Time
}

type acctWorld struct {
	idx          int
	id           string
	weight       float64
	users        []*caller
	roles        []*role
	ssoRoles     []*role
	profileRole  *role
	instances    []*instance
	active       []*session
	buckets      []string
	samlProvider string
	nq           string
	vpc, subnet  string
}

type world struct {
	g        *generator
	accts    []*acctWorld
	sso      []*ssoUser
	external string
	// busy scales lifecycle event rates to the volume asked for.
	busy float64
}

// zipfCum is the cumulative Zipf(s) weights of n items.
func zipfCum(n int, s float64) []float64 {
	cum := make([]float64, n)
	total := 0.0
	for i := range cum {
		total += 1 / math.Pow(float64(i+1), s)
		cum[i] = total
	}
	return cum
}

// pickCum picks an index by cumulative weights.
func (g *generator) pickCum(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	return sort.SearchFloat64s(cum, x)
}

func (g *generator) habits(pool []int, n int) ([]int, []float64) {
	idx := g.rng.Perm(len(pool))[:min(n, len(pool))]
	apis := make([]int, len(idx))
	for i, j := range idx {
		apis[i] = pool[j]
	}
	return apis, zipfCum(len(apis), 1.1)
}

func allAPIs() []int {
	out := make([]int, len(worldAPIs))
	for i := range out {
		out[i] = i
	}
	return out
}

// homeIPs are n addresses a person works from: in 198.51.0.0/16, whose
// /22 blocks Places puts in cities, mostly in one block (home and office
// in one city) and sometimes another (travel).
func (g *generator) homeIPs(n int) []string {
	block := g.rng.IntN(homeBlocks)
	out := make([]string, n)
	for i := range out {
		b := block
		if i > 0 && g.rng.IntN(4) == 0 {
			b = g.rng.IntN(homeBlocks)
		}
		out[i] = fmt.Sprintf("198.51.%d.%d", 4*b+g.rng.IntN(4), 1+g.rng.IntN(254))
	}
	return out
}

// buildWorld makes the population.
func (g *generator) buildWorld() *world {
	w := &world{g: g, external: "999988887777"}
	perHour := float64(g.opts.Events) / float64(g.opts.Days*24*g.opts.Accounts)
	w.busy = min(1, perHour/150)
	all := allAPIs()
	for a := 0; a < g.opts.Accounts; a++ {
		ac := &acctWorld{idx: a, id: g.account(a), weight: 1 / math.Pow(float64(a+1), 0.6)}
		ac.vpc = fmt.Sprintf("vpc-0%016x", 0xa000+a)
		ac.subnet = fmt.Sprintf("subnet-0%016x", 0xb000+a)
		ac.samlProvider = "arn:aws:iam::" + ac.id + ":saml-provider/AWSSSO_" + g.hex(16) + "_DO_NOT_DELETE"
		ac.nq = g.upper(27) + "="
		for b := 0; b < 10; b++ {
			ac.buckets = append(ac.buckets, fmt.Sprintf("%s-%s-%d", ac.id, []string{"assets", "logs", "backups", "data", "artifacts"}[b%5], b))
		}
		for r := 0; r < len(roleNames); r++ {
			rl := &role{id: "AROA" + g.upper(17), name: roleNames[r], acct: ac.id,
				arn: "arn:aws:iam::" + ac.id + ":role/" + roleNames[r]}
			rl.apis, rl.apiCum = g.habits(all, 5+g.rng.IntN(12))
			ac.roles = append(ac.roles, rl)
		}
		for _, ps := range permissionSets {
			name := "AWSReservedSSO_" + ps + "_" + g.hex(16)
			rl := &role{id: "AROA" + g.upper(17), name: name, acct: ac.id,
				arn: "arn:aws:iam::" + ac.id + ":role/aws-reserved/sso.amazonaws.com/" + name}
			rl.apis, rl.apiCum = g.habits(all, 10+g.rng.IntN(20))
			ac.ssoRoles = append(ac.ssoRoles, rl)
		}
		ac.profileRole = &role{id: "AROA" + g.upper(17), name: "app-instance-role", acct: ac.id,
			arn: "arn:aws:iam::" + ac.id + ":role/app-instance-role"}
		ac.profileRole.apis, ac.profileRole.apiCum = g.habits(instanceAPIs, len(instanceAPIs))
		users := 25
		ucum := zipfCum(users, 0.9)
		for u := 0; u < users; u++ {
			name := fmt.Sprintf("user%02d", u)
			if u == 0 {
				name = "admin"
			}
			c := &caller{acct: ac, direct: true, userName: name, principalID: "AIDA" + g.upper(17), accessKey: "AKIA" + g.upper(16)}
			c.identity = fmt.Sprintf(`{"type":"IAMUser","principalId":"%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"%s","userName":"%s"}`,
				c.principalID, ac.id, name, ac.id, c.accessKey, name)
			c.ips = g.homeIPs(1 + g.rng.IntN(3))
			c.agent = humanAgents[g.rng.IntN(len(humanAgents))]
			c.apis, c.apiCum = g.habits(all, 4+g.rng.IntN(10))
			c.weight = ucum[u] - prevCum(ucum, u)
			// A few users are service accounts calling around the clock.
			c.nightOwl = u%7 == 3
			ac.users = append(ac.users, c)
		}
		w.accts = append(w.accts, ac)
	}
	w.buildSSO()
	w.buildInstances()
	return w
}

func prevCum(cum []float64, i int) float64 {
	if i == 0 {
		return 0
	}
	return cum[i-1]
}

func (w *world) buildSSO() {
	g := w.g
	n := min(len(ssoNames)*len(ssoSurnames), 60)
	cum := zipfCum(n, 0.8)
	for i := 0; i < n; i++ {
		u := &ssoUser{name: ssoNames[i%len(ssoNames)] + "." + ssoSurnames[(i/len(ssoNames)+i)%len(ssoSurnames)]}
		u.weight = cum[i] - prevCum(cum, i)
		u.c.ips = g.homeIPs(1 + g.rng.IntN(2))
		u.c.agent = humanAgents[5+g.rng.IntN(2)] // the console, in a browser
		u.c.apis, u.c.apiCum = g.habits(allAPIs(), 5+g.rng.IntN(12))
		for _, a := range g.rng.Perm(len(w.accts))[:min(len(w.accts), 1+g.rng.IntN(3))] {
			u.accts = append(u.accts, a)
			u.roleIx = append(u.roleIx, g.rng.IntN(len(permissionSets)))
		}
		w.sso = append(w.sso, u)
	}
}

// buildInstances gives every account its fleet. Accounts 2k and 2k+1 use
// the same private range in different VPCs, as real organisations do, and
// some instances are replaced part way through, their successor taking
// over the address: an address has several holders over time.
func (w *world) buildInstances() {
	g := w.g
	start := g.opts.Start
	span := time.Duration(g.opts.Days) * 24 * time.Hour
	perAcct := 120 // fits the last octet (see ip below)
	profiles := int(math.Round(max(2, 40*w.busy)))
	kinds := []int{instWeb, instWeb, instApp, instApp, instApp, instDB, instWorker, instWorker, instWorker, instBastion}
	for _, ac := range w.accts {
		cum := zipfCum(perAcct, 0.7)
		for i := 0; i < perAcct; i++ {
			// The pair's number spreads over the second and third octets
			// (10.P%256.P/256.x): an organisation of more than 512
			// accounts still gets valid addresses.
			pair := ac.idx / 2
			ip := fmt.Sprintf("10.%d.%d.%d", pair%256, pair/256, i+4)
			in := w.newInstance(ac, ip, kinds[i%len(kinds)])
			in.weight = cum[i] - prevCum(cum, i)
			in.launched = start.Add(time.Duration(g.rng.IntN(36*3600)) * time.Second)
			in.profile = i < profiles
			if in.profile {
				in.c.apis, in.c.apiCum = g.habits(instanceAPIs, 3+g.rng.IntN(6))
				in.c.agent = instanceAgents[g.rng.IntN(len(instanceAgents))]
				in.c.ips = []string{ip}
				in.c.nightOwl = true
			}
			ac.instances = append(ac.instances, in)
			if i%5 == 1 {
				// Replaced: terminated some time after the first week, its
				// successor launched the same hour with the same address.
				at := in.launched.Add(7*24*time.Hour + time.Duration(g.rng.Int64N(int64(max(span-10*24*time.Hour, time.Hour)))))
				if at.Before(start.Add(span)) {
					in.terminated = at
					next := w.newInstance(ac, ip, in.kind)
					next.weight, next.launched, next.profile = in.weight, at.Add(5*time.Minute), in.profile
					next.c = in.c
					ac.instances = append(ac.instances, next)
				}
			}
		}
	}
}

func (w *world) newInstance(ac *acctWorld, ip string, kind int) *instance {
	g := w.g
	n := len(ac.instances)
	return &instance{
		id:  fmt.Sprintf("i-0%x%04x%s", 0x1000+ac.idx, n, g.hex(8)),
		eni: fmt.Sprintf("eni-0%x%04x%s", 0x2000+ac.idx, n, g.hex(8)),
		ip:  ip,
		vpc: ac.vpc, subnet: ac.subnet,
		acct: ac, kind: kind,
	}
}

// alive reports whether the instance runs during the hour at t.
func (in *instance) alive(t time.Time) bool {
	end := t.Add(time.Hour)
	return in.launched.Before(end) && (in.terminated.IsZero() || in.terminated.After(t))
}

// sessionIdentity renders a session's userIdentity.
func sessionIdentity(r *role, acct, name, key string, created time.Time, ec2 bool) string {
	var b strings.Builder
	b.WriteString(`{"type":"AssumedRole","principalId":"`)
	b.WriteString(r.id + ":" + name)
	b.WriteString(`","arn":"arn:aws:sts::` + acct + `:assumed-role/` + r.name + "/" + name)
	b.WriteString(`","accountId":"` + acct + `","accessKeyId":"` + key)
	b.WriteString(`","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"` + r.id)
	b.WriteString(`","arn":"` + r.arn + `","accountId":"` + acct + `","userName":"` + r.name)
	b.WriteString(`"},"attributes":{"creationDate":"` + created.Format(time.RFC3339) + `","mfaAuthenticated":"false"}`)
	if ec2 {
		b.WriteString(`,"ec2RoleDelivery":"2.0"`)
	}
	b.WriteString(`}}`)
	return b.String()
}

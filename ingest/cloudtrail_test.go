package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

const testAccount = "123456789012"

// decodeTestFile sniffs and decodes a test file as the ingest pipeline
// does, with the reads cut into single bytes when oneByte is set.
func decodeTestFile(t testing.TB, path string, skip int64, oneByte bool) (*jsonTestSink, error) {
	t.Helper()
	data := jsonTestFile(t, path)
	decode, err := DecoderFor(Sniff(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var r io.Reader = bytes.NewReader(data)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	sink := &jsonTestSink{}
	return sink, decode(r, skip, sink)
}

func TestDecodeCloudTrailFiles(t *testing.T) {
	tests := []struct {
		file    string
		events  []string // "line/index kind" of every record, in order
		bad     []string // reasons of the bad records, in order
		notices []string
	}{
		{file: "s3-object-oneline.json",
			events: []string{"0/0 call", "0/1 call", "0/2 call", "0/3 call", "0/4 call", "0/5 call"}},
		{file: "s3-object-oneline.json.gz",
			events: []string{"0/0 call", "0/1 call", "0/2 call", "0/3 call", "0/4 call", "0/5 call"}},
		{file: "s3-object-pretty.json",
			events: []string{"3/0 call", "38/1 call", "79/2 call", "120/3 call", "155/4 call", "204/5 call", "246/6 call"}},
		{file: "events-array.json", events: []string{"2/0 call", "43/1 call", "85/2 call"}},
		{file: "events-corrupt-line.jsonl",
			events: []string{"1/0 call", "3/1 bad", "4/2 call", "6/3 call"},
			bad:    []string{"truncated record: the next one starts on line 4"}},
		{file: "eventbridge.json", events: []string{"1/0 call"}},
		{file: "eventbridge.jsonl", events: []string{"1/0 call", "2/1 call"}},
		{file: "control-chars.json", events: []string{"1/0 call"}},
		{file: "missing-fields.jsonl",
			events: []string{"1/0 bad", "2/1 bad", "3/2 bad", "4/3 call", "0/4 bad", "0/5 bad", "6/6 bad", "7/7 call"},
			bad: []string{"missing eventID", `unparseable eventTime "last Tuesday"`, "missing eventTime",
				"record is not a JSON object", "record is not a JSON object", `expected a JSON object, found '"'`}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tt.file, oneByte), func(t *testing.T) {
				sink, err := decodeTestFile(t, filepath.Join(cloudTrailTestdata, tt.file), 0, oneByte)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sink.events, tt.events) {
					t.Errorf("records %q, want %q", sink.events, tt.events)
				}
				var reasons []string
				for _, b := range sink.bad {
					reasons = append(reasons, b.Reason)
				}
				if !reflect.DeepEqual(reasons, tt.bad) {
					t.Errorf("bad %q, want %q", reasons, tt.bad)
				}
				if !reflect.DeepEqual(sink.notices, tt.notices) {
					t.Errorf("notices %q, want %q", sink.notices, tt.notices)
				}
			})
		}
	}
}

func TestDecodeCloudTrailFields(t *testing.T) {
	got := map[string]*graph.APICall{}
	for _, file := range []string{"s3-object-oneline.json", "s3-object-pretty.json", "events-array.json", "eventbridge.json", "control-chars.json"} {
		sink, err := decodeTestFile(t, filepath.Join(cloudTrailTestdata, file), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range sink.calls {
			got[c.EventID[len(c.EventID)-2:]] = c
		}
	}
	alice := graph.Identity{Type: "IAMUser", PrincipalID: "AIDAEXAMPLEALICE0001", ARN: "arn:aws:iam::123456789012:user/alice",
		AccountID: testAccount, AccessKeyID: "AKIAEXAMPLEALICE0001", UserName: "alice"}
	bob := graph.Identity{Type: "IAMUser", PrincipalID: "AIDAEXAMPLEBOB000001", ARN: "arn:aws:iam::123456789012:user/bob",
		AccountID: testAccount, AccessKeyID: "AKIAEXAMPLEBOB000001", UserName: "bob"}
	admin := graph.Identity{Type: "AssumedRole", PrincipalID: "AROAEXAMPLEADMIN0001:alice-admin",
		ARN: "arn:aws:sts::123456789012:assumed-role/Admin/alice-admin", AccountID: testAccount, AccessKeyID: "ASIAEXAMPLEALICEADM1",
		IssuerType: "Role", IssuerPrincipalID: "AROAEXAMPLEADMIN0001", IssuerARN: "arn:aws:iam::123456789012:role/Admin",
		IssuerAccountID: testAccount, IssuerUserName: "Admin"}
	const cli = "aws-cli/2.15.30"
	const cliFull = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22"
	const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"
	call := func(n int, at string, svc, name, ip, ua string, id graph.Identity, pos graph.Position) graph.APICall {
		tm, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		return graph.APICall{EventID: fmt.Sprintf("e7b1c9d2-0000-4000-8000-%012d", n), Time: tm, Account: testAccount,
			Region: "us-east-1", Service: svc + ".amazonaws.com", Name: name, SourceIP: ip, UserAgent: ua, Identity: id, Pos: pos}
	}
	with := func(c graph.APICall, f func(*graph.APICall)) graph.APICall { f(&c); return c }

	want := []graph.APICall{
		with(call(1, "2024-03-04T10:15:02Z", "signin", "ConsoleLogin", "2001:db8:4f1::23", firefox,
			graph.Identity{Type: "IAMUser", PrincipalID: "AIDAEXAMPLEALICE0001", AccountID: testAccount, UserName: "alice"},
			graph.Position{Index: 0}), func(c *graph.APICall) { c.Failed = true }),
		call(2, "2024-03-04T10:15:40Z", "signin", "ConsoleLogin", "2001:db8:4f1::23", firefox, alice, graph.Position{Index: 1}),
		with(call(3, "2024-03-04T10:16:11Z", "sts", "AssumeRole", "203.0.113.10", cliFull, alice, graph.Position{Index: 2}),
			func(c *graph.APICall) {
				c.SharedEventID = "0b5e7d4f-0000-4000-8000-000000000003"
				c.Assume = &graph.Assumption{RoleARN: "arn:aws:iam::123456789012:role/Admin", SessionName: "alice-admin",
					AssumedRoleID: "AROAEXAMPLEADMIN0001:alice-admin", AssumedARN: "arn:aws:sts::123456789012:assumed-role/Admin/alice-admin",
					AccessKeyID: "ASIAEXAMPLEALICEADM1"}
			}),
		with(call(4, "2024-03-04T10:20:00Z", "sts", "AssumeRoleWithSAML", "198.51.100.23",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15",
			graph.Identity{Type: "SAMLUser", PrincipalID: "SbdGOnUkh1i4+EXAMPLExL/jEvs=:sara@example.com", UserName: "sara@example.com",
				IdentityProvider: "SbdGOnUkh1i4+EXAMPLExL/jEvs="}, graph.Position{Index: 3}),
			func(c *graph.APICall) {
				c.Assume = &graph.Assumption{RoleARN: "arn:aws:iam::123456789012:role/SAMLAdmin", SessionName: "sara@example.com",
					AssumedRoleID: "AROAEXAMPLESAML00001:sara@example.com", AssumedARN: "arn:aws:sts::123456789012:assumed-role/SAMLAdmin/sara@example.com",
					AccessKeyID: "ASIAEXAMPLESARA00001", Provider: "arn:aws:iam::123456789012:saml-provider/OktaIdP", Subject: "sara@example.com"}
			}),
		with(call(5, "2024-03-04T10:22:31Z", "ec2", "RunInstances", "203.0.113.10", cliFull, admin, graph.Position{Index: 4}),
			func(c *graph.APICall) {
				c.Launched = []graph.LaunchedInstance{{InstanceID: "i-0a1b2c3d4e5f60718", VPC: "vpc-0a1b2c3d4e5f67890",
					Subnet: "subnet-0fedcba9876543210", PrivateIPs: []string{"10.0.1.23", "10.0.1.24"}, ENIs: []string{"eni-0123456789abcdef0"}}}
			}),
		call(6, "2024-03-04T10:23:00Z", "kms", "Decrypt", "AWS Internal", "AWS Internal",
			graph.Identity{Type: "AWSService", InvokedBy: "AWS Internal"}, graph.Position{Index: 5}),

		with(call(11, "2024-03-05T08:00:00Z", "iam", "CreateAccessKey", "203.0.113.10", "console.amazonaws.com", alice,
			graph.Position{Line: 3, Index: 0}), func(c *graph.APICall) {
			c.TargetUser, c.NewAccessKey, c.NewKeyUser = "bob", "AKIAEXAMPLEBOBNEWKEY", "bob"
		}),
		with(call(12, "2024-03-05T08:05:00Z", "sts", "AssumeRoleWithWebIdentity", "192.0.2.44", "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1",
			graph.Identity{Type: "WebIdentityUser", PrincipalID: "accounts.google.com:112233445566778899001",
				UserName: "112233445566778899001", IdentityProvider: "accounts.google.com"}, graph.Position{Line: 38, Index: 1}),
			func(c *graph.APICall) {
				c.Assume = &graph.Assumption{RoleARN: "arn:aws:iam::123456789012:role/WebAppRole", SessionName: "web-session-1",
					AssumedRoleID: "AROAEXAMPLEWEBAPP001:web-session-1", AssumedARN: "arn:aws:sts::123456789012:assumed-role/WebAppRole/web-session-1",
					AccessKeyID: "ASIAEXAMPLEWEB000001", Provider: "accounts.google.com", Subject: "112233445566778899001"}
			}),
		with(call(13, "2024-03-05T08:10:00Z", "sts", "GetFederationToken", "192.0.2.45", cli, bob, graph.Position{Line: 79, Index: 2}),
			func(c *graph.APICall) {
				c.Assume = &graph.Assumption{SessionName: "Bob-contractor", AccessKeyID: "ASIAEXAMPLEFED000001",
					FederatedUserID: "123456789012:Bob-contractor"}
			}),
		with(call(14, "2024-03-05T08:15:00Z", "cloudtrail", "CreateTrail", "203.0.113.10", "console.amazonaws.com", alice,
			graph.Position{Line: 120, Index: 3}), func(c *graph.APICall) {
			c.Trail, c.TrailBucket = "org-trail", "org-trail-logs-123456789012"
		}),
		with(call(15, "2024-03-05T08:20:00Z", "s3", "GetObject", "10.0.1.23", "[aws-cli/2.15.30]",
			graph.Identity{Type: "AssumedRole", PrincipalID: "AROAEXAMPLEEC2ROLE01:i-0a1b2c3d4e5f60718",
				ARN: "arn:aws:sts::123456789012:assumed-role/web-role/i-0a1b2c3d4e5f60718", AccountID: testAccount,
				AccessKeyID: "ASIAEXAMPLEEC2ROLE01", IssuerType: "Role", IssuerPrincipalID: "AROAEXAMPLEEC2ROLE01",
				IssuerARN: "arn:aws:iam::123456789012:role/web-role", IssuerAccountID: testAccount, IssuerUserName: "web-role",
				EC2RoleDelivery: true}, graph.Position{Line: 155, Index: 4}),
			func(c *graph.APICall) { c.Bucket = "finance-reports" }),
		with(call(16, "2024-03-05T08:25:00Z", "iam", "AttachRolePolicy", "203.0.113.10", cli, admin, graph.Position{Line: 204, Index: 5}),
			func(c *graph.APICall) { c.TargetRole = "web-role" }),
		with(call(17, "2024-03-05T08:26:00Z", "iam", "PutUserPolicy", "203.0.113.10", cli, admin, graph.Position{Line: 246, Index: 6}),
			func(c *graph.APICall) { c.TargetUser, c.ErrorCode, c.Failed = "bob", "AccessDenied", true }),

		with(call(21, "2024-03-06T02:00:00Z", "cloudtrail", "StopLogging", "198.51.100.99", cli, admin, graph.Position{Line: 2, Index: 0}),
			func(c *graph.APICall) { c.Trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail" }),
		with(call(22, "2024-03-06T02:01:00Z", "cloudtrail", "UpdateTrail", "198.51.100.99", cli, admin, graph.Position{Line: 43, Index: 1}),
			func(c *graph.APICall) { c.Trail, c.TrailBucket = "org-trail", "attacker-bucket-0001" }),
		with(call(23, "2024-03-06T02:02:00Z", "cloudtrail", "DeleteTrail", "198.51.100.99", cli, admin, graph.Position{Line: 85, Index: 2}),
			func(c *graph.APICall) { c.Trail, c.ErrorCode, c.Failed = "org-trail", "AccessDenied", true }),

		with(call(31, "2024-03-06T03:00:00Z", "iam", "CreateUser", "198.51.100.99", cli, admin, graph.Position{Line: 1, Index: 0}),
			func(c *graph.APICall) { c.TargetUser = "backdoor" }),
		// Control characters and escapes are data: sanitising is the display's job.
		call(41, "2024-03-06T04:00:00.123Z", "s3", "ListBuckets", "192.0.2.45",
			"curl/8.5.0 \x1b[31mred\x1b[0m\ttab\nnewline \"quoted\" \\ backslash é \u2028 😀", bob, graph.Position{Line: 1, Index: 0}),
	}
	for _, w := range want {
		t.Run(w.Name+"/"+w.EventID[len(w.EventID)-2:], func(t *testing.T) {
			g := got[w.EventID[len(w.EventID)-2:]]
			if g == nil {
				t.Fatalf("event %s not decoded", w.EventID)
			}
			if g.Time.Location() != time.UTC {
				t.Errorf("time %v is not UTC", g.Time)
			}
			if !reflect.DeepEqual(*g, w) {
				t.Errorf("got\n%s\nwant\n%s", describeCall(g), describeCall(&w))
			}
		})
	}
}

func describeCall(c *graph.APICall) string {
	s := fmt.Sprintf("%+v", *c)
	if c.Assume != nil {
		s += fmt.Sprintf("\nassume %+v", *c.Assume)
	}
	return s
}

func TestDecodeCloudTrailSkip(t *testing.T) {
	path := filepath.Join(cloudTrailTestdata, "missing-fields.jsonl")
	all, err := decodeTestFile(t, path, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	for skip := int64(0); skip <= int64(len(all.events))+1; skip++ {
		sink, err := decodeTestFile(t, path, skip, false)
		if err != nil {
			t.Fatal(err)
		}
		want := all.events[min(skip, int64(len(all.events))):]
		if strings.Join(sink.events, ",") != strings.Join(want, ",") {
			t.Errorf("skip %d: records %q, want %q", skip, sink.events, want)
		}
	}
}

func TestDecodeCloudTrailDigest(t *testing.T) {
	sink := &jsonTestSink{}
	data := jsonTestFile(t, filepath.Join(cloudTrailTestdata, "digest.json"))
	if err := DecodeCloudTrail(bytes.NewReader(data), 0, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.events) != 0 || !reflect.DeepEqual(sink.notices, []string{"CloudTrail digest file skipped"}) {
		t.Errorf("records %q, notices %q", sink.events, sink.notices)
	}
}

func TestDecodeCloudTrailTruncated(t *testing.T) {
	data := jsonTestFile(t, filepath.Join(cloudTrailTestdata, "s3-object-oneline.json"))
	cut := bytes.Index(data, []byte(`"eventName":"AssumeRoleWithSAML"`))
	sink := &jsonTestSink{}
	if err := DecodeCloudTrail(bytes.NewReader(data[:cut]), 0, sink); err != nil {
		t.Fatal(err)
	}
	want := []string{"0/0 call", "0/1 call", "0/2 call", "0/3 bad"}
	if !reflect.DeepEqual(sink.events, want) {
		t.Errorf("records %q, want %q", sink.events, want)
	}
	if len(sink.bad) != 1 || sink.bad[0].Reason != "truncated record: the input ends inside it" {
		t.Errorf("bad %v", sink.bad)
	}
}

func TestDecodeCloudTrailTruncatedGzip(t *testing.T) {
	gz, err := os.ReadFile(filepath.Join(cloudTrailTestdata, "s3-object-oneline.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz[:len(gz)*2/3]))
	if err != nil {
		t.Fatal(err)
	}
	sink := &jsonTestSink{}
	err = DecodeCloudTrail(zr, 0, sink)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %v, want %v", err, io.ErrUnexpectedEOF)
	}
	if len(sink.bad) != 1 || !strings.HasPrefix(sink.bad[0].Reason, "truncated record: ") {
		t.Errorf("bad %v, want one truncated record", sink.bad)
	}
	if len(sink.calls) == 0 {
		t.Error("no record before the cut landed")
	}
}

func TestDecodeCloudTrailSinkError(t *testing.T) {
	stop := errors.New("stop")
	data := jsonTestFile(t, filepath.Join(cloudTrailTestdata, "s3-object-oneline.json"))
	sink := &stoppingSink{stop: stop}
	if err := DecodeCloudTrail(bytes.NewReader(data), 0, sink); err != stop || sink.n != 1 {
		t.Errorf("error %v after %d records, want %v after 1", err, sink.n, stop)
	}
}

// stoppingSink fails on the first record.
type stoppingSink struct {
	jsonTestSink
	stop error
	n    int
}

func (s *stoppingSink) APICall(*graph.APICall) error { s.n++; return s.stop }
func (s *stoppingSink) Finding(*graph.Finding) error { s.n++; return s.stop }

// samplesDir holds real-format samples shared by the team; tests that use
// them skip when it is absent.
var samplesDir = filepath.Join("..", "..", "shared", "samples")

func sampleFile(t *testing.T, name string) string {
	path := filepath.Join(samplesDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("sample %s not available: %v", name, err)
	}
	return path
}

func TestCloudTrailSamples(t *testing.T) {
	t.Run("S3 object", func(t *testing.T) {
		sink, err := decodeTestFile(t, sampleFile(t, "111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz"), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(sink.calls) != 2 || len(sink.bad) != 0 {
			t.Fatalf("records %q", sink.events)
		}
		if c := sink.calls[1]; c.SourceIP != "config.amazonaws.com" || c.Assume == nil ||
			c.Assume.AssumedRoleID != "CCCCCCCCCCCCCCCCCCCCC:AutoScalingDescribeHandlerSession" || c.SharedEventID == "" {
			t.Errorf("AssumeRole decoded as %s", describeCall(c))
		}
		if id := sink.calls[0].Identity; id.IssuerARN != "arn:aws:iam::111111111111:role/someRole" || id.InvokedBy != "config.amazonaws.com" {
			t.Errorf("identity %+v", id)
		}
	})
	t.Run("StopLogging", func(t *testing.T) {
		sink, err := decodeTestFile(t, sampleFile(t, "aws.defense-evasion.cloudtrail-stop.json"), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(sink.calls) != 1 || sink.calls[0].Trail != "stratus-red-team-ct-stop-trail-buykxbqejv" || sink.calls[0].Failed {
			t.Errorf("records %q, calls %v", sink.events, sink.calls)
		}
	})
	t.Run("GetPasswordData", func(t *testing.T) {
		sink, err := decodeTestFile(t, sampleFile(t, "aws.credential-access.ec2-get-password-data.json"), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, c := range sink.calls {
			count[fmt.Sprintf("%s failed=%v", c.Name, c.Failed)]++
			if c.Name == "GetPasswordData" && (c.Identity.Type != "AssumedRole" || c.Identity.IssuerUserName == "") {
				t.Errorf("GetPasswordData caller %+v", c.Identity)
			}
			// A denied AssumeRole is logged without its request.
			if c.Name == "AssumeRole" && (c.Assume == nil || !c.Failed && c.Assume.AssumedRoleID == "") {
				t.Errorf("AssumeRole without its session: %s", describeCall(c))
			}
		}
		want := map[string]int{"AssumeRole failed=false": 2, "AssumeRole failed=true": 2, "GetPasswordData failed=true": 30}
		if !reflect.DeepEqual(count, want) || len(sink.bad) != 0 {
			t.Errorf("calls %v, want %v; bad %v", count, want, sink.bad)
		}
	})
}

// genCloudTrailObject builds a one-line S3 delivery object of n events of
// the usual mix: mostly read calls by role sessions, some writes, some
// failures, some role assumptions.
func genCloudTrailObject(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	names := []string{"DescribeInstances", "GetObject", "ListBuckets", "AssumeRole", "PutObject", "GetCallerIdentity", "Decrypt", "DescribeSecurityGroups"}
	sources := []string{"ec2", "s3", "s3", "sts", "s3", "sts", "kms", "ec2"}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		k := i % len(names)
		ev := map[string]any{
			"eventVersion": "1.09",
			"userIdentity": map[string]any{
				"type": "AssumedRole", "principalId": fmt.Sprintf("AROAEXAMPLEROLE%05d:session-%d", i%50, i%7),
				"arn":       fmt.Sprintf("arn:aws:sts::123456789012:assumed-role/role-%d/session-%d", i%50, i%7),
				"accountId": "123456789012", "accessKeyId": fmt.Sprintf("ASIAEXAMPLE%09d", i%300),
				"sessionContext": map[string]any{
					"sessionIssuer": map[string]any{"type": "Role", "principalId": fmt.Sprintf("AROAEXAMPLEROLE%05d", i%50),
						"arn": fmt.Sprintf("arn:aws:iam::123456789012:role/role-%d", i%50), "accountId": "123456789012", "userName": fmt.Sprintf("role-%d", i%50)},
					"webIdFederationData": map[string]any{},
					"attributes":          map[string]any{"creationDate": "2024-03-04T09:00:00Z", "mfaAuthenticated": "false"},
				},
			},
			"eventTime":          fmt.Sprintf("2024-03-04T%02d:%02d:%02dZ", i/3600%24, i/60%60, i%60),
			"eventSource":        sources[k] + ".amazonaws.com",
			"eventName":          names[k],
			"awsRegion":          "us-east-1",
			"sourceIPAddress":    fmt.Sprintf("10.0.%d.%d", i/250%250, i%250),
			"userAgent":          "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.0",
			"requestParameters":  map[string]any{"bucketName": "bucket-" + fmt.Sprint(i%20), "key": fmt.Sprintf("logs/%d.json", i), "maxResults": 1000},
			"responseElements":   nil,
			"requestID":          fmt.Sprintf("5a8c2f10-0000-4000-8000-%012d", i),
			"eventID":            fmt.Sprintf("e7b1c9d2-0000-4000-8000-%012d", i),
			"readOnly":           true,
			"eventType":          "AwsApiCall",
			"managementEvent":    true,
			"recipientAccountId": "123456789012",
			"eventCategory":      "Management",
			"tlsDetails": map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
				"clientProvidedHostHeader": sources[k] + ".us-east-1.amazonaws.com"},
		}
		switch names[k] {
		case "AssumeRole":
			ev["requestParameters"] = map[string]any{"roleArn": "arn:aws:iam::123456789012:role/target", "roleSessionName": fmt.Sprint("s", i)}
			ev["responseElements"] = map[string]any{
				"credentials":     map[string]any{"accessKeyId": fmt.Sprintf("ASIANEW%013d", i), "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN", "expiration": "Mar 4, 2024, 11:00:00 AM"},
				"assumedRoleUser": map[string]any{"assumedRoleId": fmt.Sprint("AROATARGET:s", i), "arn": fmt.Sprint("arn:aws:sts::123456789012:assumed-role/target/s", i)},
			}
		case "PutObject":
			ev["errorCode"], ev["errorMessage"] = "AccessDenied", "Access Denied"
		}
		line, err := json.Marshal(ev)
		if err != nil {
			panic(err)
		}
		b.Write(line)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// countingSink counts API calls and fails on anything else.
type countingSink struct {
	jsonTestSink
	n int
}

func (s *countingSink) APICall(*graph.APICall) error { s.n++; return nil }
func (s *countingSink) Bad(b BadRecord) error        { return fmt.Errorf("bad record: %v", b) }

func BenchmarkDecodeCloudTrail(b *testing.B) {
	const n = 10_000
	data := genCloudTrailObject(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sink := &countingSink{}
		if err := DecodeCloudTrail(bytes.NewReader(data), 0, sink); err != nil || sink.n != n {
			b.Fatalf("%d records, error %v", sink.n, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestDecodeCloudTrailBrokenRecords checks that a record which is not valid
// JSON is reported bad by the decoder, and that the records around it land.
func TestDecodeCloudTrailBrokenRecords(t *testing.T) {
	good := func(n int) string {
		return fmt.Sprintf(`{"eventID":"id-%d","eventTime":"2024-03-04T10:00:0%dZ","eventName":"ListUsers","eventSource":"iam.amazonaws.com"}`, n, n)
	}
	tests := []struct {
		name   string
		in     string
		events []string
	}{
		{"S3 object", `{"Records":[` + good(1) + `,{"eventID" "id-2"},` + good(3) + `]}`, []string{"0/0 call", "0/1 bad", "0/2 call"}},
		{"array", "[\n" + good(1) + ",\n{\"eventID\":\"id-2\",}\n," + good(3) + "]", []string{"2/0 call", "3/1 bad", "4/2 call"}},
		{"JSON lines", good(1) + "\n{\"eventID\":[1,2}}\n" + good(3) + "\n", []string{"1/0 call", "2/1 bad", "3/2 call"}},
		{"wrong types", good(1) + "\n{\"eventID\":7,\"eventTime\":\"2024-03-04T10:00:00Z\"}\n{\"userIdentity\":\"root\"}\n" + good(3),
			[]string{"1/0 call", "2/1 bad", "3/2 bad", "4/3 call"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &jsonTestSink{}
			if err := DecodeCloudTrail(strings.NewReader(tt.in), 0, sink); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sink.events, tt.events) {
				t.Errorf("records %q, want %q", sink.events, tt.events)
			}
			for _, b := range sink.bad {
				if !strings.HasPrefix(b.Reason, "invalid CloudTrail event: ") {
					t.Errorf("reason %q", b.Reason)
				}
			}
		})
	}
}

func TestDecodeCloudTrailHostileRecords(t *testing.T) {
	good := `{"eventID":"id-1","eventTime":"2024-03-04T10:00:00Z","eventName":"ListUsers"}` + "\n"
	in := io.MultiReader(
		strings.NewReader(good+`{"eventID":"big","userAgent":"`),
		&jsonRepeat{unit: strings.Repeat("a", 1<<20), n: MaxRecordBytes>>20 + 1},
		strings.NewReader("\"}\n"+`{"eventID":"deep","x":`),
		&jsonRepeat{unit: "[", n: 100_000},
		strings.NewReader(strings.Repeat("]", 100_000)+"}\n"+good),
	)
	sink := &jsonTestSink{}
	if err := DecodeCloudTrail(in, 0, sink); err != nil {
		t.Fatal(err)
	}
	want := []string{"1/0 call", "2/1 bad", "3/2 bad", "4/3 call"}
	if !reflect.DeepEqual(sink.events, want) {
		t.Errorf("records %q, want %q", sink.events, want)
	}
	if len(sink.bad) == 2 && (sink.bad[0].Reason != "record exceeds 8 MiB cap" || sink.bad[1].Reason != "record nested deeper than 256 levels") {
		t.Errorf("bad %v", sink.bad)
	}
}

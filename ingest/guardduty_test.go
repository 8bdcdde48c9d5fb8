package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

func TestDecodeGuardDutyFiles(t *testing.T) {
	tests := []struct {
		file   string
		events []string
		bad    []string
	}{
		{file: "get-findings.json", events: []string{"3/0 finding", "120/1 finding", "185/2 finding", "325/3 finding"}},
		{file: "get-findings.json.gz", events: []string{"3/0 finding", "120/1 finding", "185/2 finding", "325/3 finding"}},
		{file: "findings-camel.json", events: []string{"0/0 finding", "0/1 finding"}},
		{file: "export.jsonl", events: []string{"1/0 finding", "2/1 finding", "3/2 finding", "4/3 finding"}},
		{file: "single-finding.json", events: []string{"1/0 finding"}},
		{file: "array.json", events: []string{"2/0 finding", "84/1 finding"}},
		{file: "eventbridge.json", events: []string{"1/0 finding"}},
		{file: "eventbridge.jsonl", events: []string{"1/0 finding", "2/1 finding"}},
		{file: "odd-types.jsonl",
			events: []string{"1/0 finding", "2/1 bad", "3/2 bad", "4/3 bad", "5/4 bad", "6/5 bad", "7/6 bad", "8/7 finding"},
			bad: []string{
				`invalid GuardDuty finding: severity {"value": 8} is not a number`,
				"invalid GuardDuty finding: cannot unmarshal string into Go struct field gdRecord.resource of type ingest.gdResource",
				"missing id",
				`unparseable updatedAt "yesterday"`,
				`invalid GuardDuty finding: severity "high" is not a number`,
				"invalid GuardDuty finding: cannot unmarshal string into Go struct field gdRecord.service.count of type int64",
			}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tt.file, oneByte), func(t *testing.T) {
				sink, err := decodeTestFile(t, filepath.Join(guardDutyTestdata, tt.file), 0, oneByte)
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
				for _, f := range sink.findings {
					if !json.Valid(f.Raw) || !bytes.Contains(f.Raw, []byte(f.ID)) || bytes.Contains(f.Raw, []byte("detail-type")) {
						t.Errorf("finding %s: Raw is not the finding's own JSON: %.80s", f.ID, f.Raw)
					}
				}
			})
		}
	}
}

func involved(kind graph.Kind, key, account string, part graph.Part) graph.Involvement {
	return graph.Involvement{Entity: graph.Entity{Kind: kind, Key: key, Account: account}, Part: part}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDecodeGuardDutyInstanceFinding(t *testing.T) {
	// The same finding in PascalCase (GetFindings), camelCase (export) and
	// an EventBridge event decodes to the same value.
	var got []*graph.Finding
	for _, file := range []string{"get-findings.json", "findings-camel.json", "eventbridge.json"} {
		sink, err := decodeTestFile(t, filepath.Join(guardDutyTestdata, file), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sink.findings[0])
	}
	const acct = testAccount
	local := func(ip string) graph.Involvement { return involved(graph.KindIP, ip, "", graph.PartLocalIP) }
	from, to := mustTime(t, "2024-03-04T11:00:00Z"), mustTime(t, "2024-03-04T12:40:55Z")
	assign := func(ip string) graph.Assignment {
		return graph.Assignment{Instance: "i-0a1b2c3d4e5f60718", ENI: "eni-0123456789abcdef0", Account: acct,
			VPC: "vpc-0a1b2c3d4e5f67890", IP: ip, From: from, To: to}
	}
	want := graph.Finding{
		ID:           "a1b2c3d4e5f60718293a4b5c6d7e8f90",
		Type:         "UnauthorizedAccess:EC2/SSHBruteForce",
		Title:        "203.0.113.50 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718.",
		Description:  "203.0.113.50 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718. Investigate the resource.",
		Severity:     2,
		Account:      acct,
		Region:       "us-east-1",
		Partition:    "aws",
		CreatedAt:    mustTime(t, "2024-03-04T11:12:45.123Z"),
		UpdatedAt:    mustTime(t, "2024-03-04T12:41:02.456Z"),
		FirstSeen:    mustTime(t, "2024-03-04T11:12:40Z"),
		LastSeen:     mustTime(t, "2024-03-04T12:40:55Z"),
		Count:        12,
		ResourceType: "Instance",
		ActionType:   "NETWORK_CONNECTION",
		Involved: []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindInstance, "i-0a1b2c3d4e5f60718", acct, graph.PartResource),
			involved(graph.KindENI, "eni-0123456789abcdef0", acct, graph.PartENI),
			local("10.0.1.23"), local("10.0.1.24"), local("54.240.10.5"), local("2600:1f18:abcd:1200::10"),
			involved(graph.KindIP, "203.0.113.50", "", graph.PartRemoteIP),
		},
		Assignments: []graph.Assignment{assign("10.0.1.23"), assign("10.0.1.24"), assign("54.240.10.5"), assign("2600:1f18:abcd:1200::10")},
	}
	for i, f := range got {
		g := *f
		g.Raw, g.Pos = nil, graph.Position{}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("finding %d:\ngot  %+v\nwant %+v", i, g, want)
		}
	}
}

func TestDecodeGuardDutyPrincipals(t *testing.T) {
	byID := map[string]*graph.Finding{}
	for _, file := range []string{"get-findings.json", "export.jsonl", "array.json"} {
		sink, err := decodeTestFile(t, filepath.Join(guardDutyTestdata, file), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range sink.findings {
			byID[f.ID+"@"+f.UpdatedAt.Format(time.RFC3339)] = f
		}
	}
	const acct = testAccount
	tests := []struct {
		name     string
		key      string
		severity float64
		archived bool
		involved []graph.Involvement
	}{
		{"assumed role session and its role", "b2c3d4e5f60718293a4b5c6d7e8f90a1@2024-03-05T09:30:00Z", 8, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindAccessKey, "ASIAEXAMPLEEC2ROLE01", acct, graph.PartAccessKey),
			involved(graph.KindSession, "AROAEXAMPLEEC2ROLE01:i-0a1b2c3d4e5f60718", acct, graph.PartActor),
			involved(graph.KindRole, "arn:aws:iam::123456789012:role/web-role", acct, graph.PartActor),
			involved(graph.KindIP, "198.51.100.77", "", graph.PartRemoteIP),
			involved(graph.KindUserAgent, "aws-cli/2.15.30 Python/3.11.8", "", graph.PartUserAgent),
		}},
		{"port probe remotes", "c3d4e5f60718293a4b5c6d7e8f90a1b2@2024-03-05T14:00:00Z", 5, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindInstance, "i-0a1b2c3d4e5f60718", acct, graph.PartResource),
			involved(graph.KindENI, "eni-0123456789abcdef0", acct, graph.PartENI),
			involved(graph.KindIP, "10.0.1.23", "", graph.PartLocalIP),
			involved(graph.KindIP, "10.0.1.24", "", graph.PartLocalIP),
			involved(graph.KindIP, "54.240.10.5", "", graph.PartLocalIP),
			involved(graph.KindIP, "2600:1f18:abcd:1200::10", "", graph.PartLocalIP),
			involved(graph.KindIP, "192.0.2.10", "", graph.PartRemoteIP),
			involved(graph.KindIP, "2001:db8::bad", "", graph.PartRemoteIP),
		}},
		{"IAM user, bucket and remote account", "d4e5f60718293a4b5c6d7e8f90a1b2c3@2024-03-06T01:00:00Z", 2, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindAccessKey, "AKIAEXAMPLEBOB000001", acct, graph.PartAccessKey),
			involved(graph.KindUser, "arn:aws:iam::123456789012:user/bob", acct, graph.PartActor),
			involved(graph.KindBucket, "finance-reports", acct, graph.PartBucket),
			involved(graph.KindIP, "192.0.2.45", "", graph.PartRemoteIP),
			involved(graph.KindAccount, "444455556666", "444455556666", graph.PartActor),
		}},
		{"root, severity as a string", "e5f60718293a4b5c6d7e8f90a1b2c3d4@2024-03-06T05:00:00Z", 2, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindAccessKey, "ASIAEXAMPLEROOT00001", acct, graph.PartAccessKey),
			involved(graph.KindUser, "arn:aws:iam::123456789012:root", acct, graph.PartActor),
			involved(graph.KindIP, "203.0.113.200", "", graph.PartRemoteIP),
		}},
		{"a later update of the same finding", "e5f60718293a4b5c6d7e8f90a1b2c3d4@2024-03-06T07:30:00Z", 5, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindAccessKey, "ASIAEXAMPLEROOT00001", acct, graph.PartAccessKey),
			involved(graph.KindUser, "arn:aws:iam::123456789012:root", acct, graph.PartActor),
			involved(graph.KindIP, "203.0.113.200", "", graph.PartRemoteIP),
		}},
		{"federated user", "f60718293a4b5c6d7e8f90a1b2c3d4e5@2024-03-06T06:10:00Z", 5, false, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindAccessKey, "ASIAEXAMPLEFED000001", acct, graph.PartAccessKey),
			involved(graph.KindFederated, "fed:123456789012:Bob-contractor", "", graph.PartActor),
			involved(graph.KindIP, "2001:db8:dead:beef::1", "", graph.PartRemoteIP),
		}},
		{"archived DNS finding has no domain entity", "0718293a4b5c6d7e8f90a1b2c3d4e5f6@2024-03-06T08:05:00Z", 8, true, []graph.Involvement{
			involved(graph.KindAccount, acct, acct, graph.PartAccount),
			involved(graph.KindInstance, "i-0a1b2c3d4e5f60718", acct, graph.PartResource),
			involved(graph.KindENI, "eni-0123456789abcdef0", acct, graph.PartENI),
			involved(graph.KindIP, "10.0.1.23", "", graph.PartLocalIP),
			involved(graph.KindIP, "10.0.1.24", "", graph.PartLocalIP),
			involved(graph.KindIP, "54.240.10.5", "", graph.PartLocalIP),
			involved(graph.KindIP, "2600:1f18:abcd:1200::10", "", graph.PartLocalIP),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := byID[tt.key]
			if f == nil {
				t.Fatalf("finding %s not decoded", tt.key)
			}
			if f.Severity != tt.severity || f.Archived != tt.archived {
				t.Errorf("severity %v archived %v, want %v %v", f.Severity, f.Archived, tt.severity, tt.archived)
			}
			if !reflect.DeepEqual(f.Involved, tt.involved) {
				t.Errorf("involved\n%v\nwant\n%v", f.Involved, tt.involved)
			}
		})
	}
}

func TestDecodeGuardDutyEventBridgeRaw(t *testing.T) {
	sink, err := decodeTestFile(t, filepath.Join(guardDutyTestdata, "eventbridge.json"), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	var event struct{ Detail json.RawMessage }
	if err := json.Unmarshal(jsonTestFile(t, filepath.Join(guardDutyTestdata, "eventbridge.json")), &event); err != nil {
		t.Fatal(err)
	}
	if len(sink.findings) != 1 || !bytes.Equal(sink.findings[0].Raw, event.Detail) {
		t.Errorf("Raw is not the event's detail")
	}
}

func TestDecodeGuardDutyRawOutlivesRecord(t *testing.T) {
	sink, err := decodeTestFile(t, filepath.Join(guardDutyTestdata, "export.jsonl"), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sink.findings {
		var v struct{ ID string }
		if err := json.Unmarshal(f.Raw, &v); err != nil || v.ID != f.ID {
			t.Errorf("finding %s: Raw holds %q (%v)", f.ID, v.ID, err)
		}
	}
}

func TestGuardDutySample(t *testing.T) {
	sink, err := decodeTestFile(t, sampleFile(t, "gd2acl_test_event.json"), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.findings) != 1 {
		t.Fatalf("records %q, bad %v", sink.events, sink.bad)
	}
	f := sink.findings[0]
	if f.ID != "02be5693b63eea1d67e6f321c6aee4f3" || f.Type != "UnauthorizedAccess:EC2/SSHBruteForce" || f.Severity != 2 {
		t.Errorf("finding %s %s %v", f.ID, f.Type, f.Severity)
	}
	for _, want := range []graph.Involvement{
		involved(graph.KindInstance, "i-99999999", "", graph.PartResource),
		involved(graph.KindIP, "198.51.100.0", "", graph.PartRemoteIP),
		involved(graph.KindIP, "10.0.0.1", "", graph.PartLocalIP),
	} {
		found := false
		for _, in := range f.Involved {
			found = found || in == want
		}
		if !found {
			t.Errorf("%v not involved in %v", want, f.Involved)
		}
	}
}

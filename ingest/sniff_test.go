package ingest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	cloudTrailTestdata = "../testdata/ingest/cloudtrail"
	guardDutyTestdata  = "../testdata/ingest/guardduty"
)

// jsonTestFile reads a test file, undoing gzip as the ingest pipeline does
// before it sniffs and decodes.
func jsonTestFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSniffTestdata(t *testing.T) {
	for dir, want := range map[string]Format{cloudTrailTestdata: FormatCloudTrail, guardDutyTestdata: FormatGuardDuty} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no test files in %s (%v)", dir, err)
		}
		for _, path := range files {
			want := want
			if filepath.Base(path) == "digest.json" {
				want = FormatCloudTrailDigest
			}
			t.Run(filepath.Base(path), func(t *testing.T) {
				if got := Sniff(jsonTestFile(t, path)); got != want {
					t.Errorf("Sniff = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestSniff(t *testing.T) {
	ctEvent := `{"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventTime":"2024-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers"}`
	finding := `{"schemaVersion":"2.0","accountId":"123456789012","id":"f1","type":"Recon:EC2/PortProbeUnprotectedPort","resource":{"resourceType":"Instance"},"service":{"count":1},"severity":5}`
	tests := []struct {
		name string
		head string
		want Format
	}{
		{"S3 object cut after its opening", `{"Records":[`, FormatCloudTrail},
		{"S3 object, spaced", " \n{ \"Records\" : [ {\"eventVersion\":\"1.08\"", FormatCloudTrail},
		{"S3 object with a BOM", "\xef\xbb\xbf{\"Records\":[" + ctEvent, FormatCloudTrail},
		{"empty S3 object", `{"Records":[]}`, FormatCloudTrail},
		{"S3 event notification", `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put"}]}`, FormatUnknown},
		{"array of events", "[\n  " + ctEvent + ",\n  " + ctEvent, FormatCloudTrail},
		{"JSON lines of events", ctEvent + "\n" + ctEvent + "\n", FormatCloudTrail},
		{"event cut mid-record", ctEvent[:110], FormatCloudTrail},
		{"EventBridge API call", `{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","detail":{"eventVersion":"1.08"`, FormatCloudTrail},
		{"EventBridge sign-in", `{"detail-type":"AWS Console Sign In via CloudTrail","detail":{}}`, FormatCloudTrail},
		{"EventBridge event with a CloudTrail detail", `{"source":"aws.s3","detail":` + ctEvent + `}`, FormatCloudTrail},
		{"EventBridge events in an array", `[{"detail-type":"AWS API Call via CloudTrail","detail":` + ctEvent + `}]`, FormatCloudTrail},
		{"digest", `{"awsAccountId":"123456789012","digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z"`, FormatCloudTrailDigest},

		{"GetFindings response", `{"Findings": [`, FormatGuardDuty},
		{"lower-case findings", `{"findings":[]}`, FormatGuardDuty},
		{"single finding", finding, FormatGuardDuty},
		{"single PascalCase finding", `{"AccountId":"123456789012","Id":"f1","Resource":{"ResourceType":"Instance"},"SchemaVersion":"2.0","Type":"Recon:EC2/Portscan"}`, FormatGuardDuty},
		{"JSON lines of findings", finding + "\n" + finding, FormatGuardDuty},
		{"array of findings", "[" + finding + "]", FormatGuardDuty},
		{"EventBridge finding", `{"version":"0","id":"e1","detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":{"id":"f1"`, FormatGuardDuty},
		{"EventBridge finding without detail-type", `{"region":"us-east-1","detail":` + finding + `}`, FormatGuardDuty},

		{"flow log with header", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK\n", FormatFlowLog},
		{"flow log without header", "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK\n", FormatFlowLog},

		{"empty", "", FormatUnknown},
		{"blank", " \n\t", FormatUnknown},
		{"prose", "hello world\n", FormatUnknown},
		{"other JSON object", `{"foo":1,"bar":[1,2]}`, FormatUnknown},
		{"array of numbers", `[1,2,3]`, FormatUnknown},
		{"Records that is not an array", `{"Records":{"eventName":"x"}}`, FormatUnknown},
		{"deep nesting", strings.Repeat("[", 100_000), FormatUnknown},
		{"deep nesting in a record", `{"a":` + strings.Repeat(`{"b":`, 100_000), FormatUnknown},
		{"unterminated string", `{"eventName":"abc`, FormatUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.head)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSniffCutHead checks that a head cut anywhere inside a real object
// never panics nor misleads, and finds the format as soon as it can.
func TestSniffCutHead(t *testing.T) {
	tests := []struct {
		path   string
		enough func(data []byte) int // the shortest head that must be recognised
	}{
		{filepath.Join(cloudTrailTestdata, "s3-object-pretty.json"), func([]byte) int { return len("{\n  \"Records\": [") }},
		{filepath.Join(guardDutyTestdata, "export.jsonl"), func(data []byte) int { return bytes.IndexByte(data, '\n') }},
	}
	for _, tt := range tests {
		data := jsonTestFile(t, tt.path)
		want, enough := Sniff(data), tt.enough(data)
		for n := range len(data) {
			got := Sniff(data[:n])
			if got != want && (got != FormatUnknown || n >= enough) {
				t.Fatalf("%s cut at %d: Sniff = %v, want %v", tt.path, n, got, want)
			}
		}
	}
}

package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// signedBy reads the access key and Region of a SigV4 Authorization
// header: "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ...".
func signedBy(r *http.Request) (key, region string) {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	parts := strings.Split(strings.Split(cred, ",")[0], "/")
	if len(parts) < 3 {
		return "", ""
	}
	return parts[0], parts[2]
}

// signers records who signed the requests a fake received.
type signers struct {
	mu   sync.Mutex
	seen map[string]bool // "KEY REGION"
}

func (s *signers) record(r *http.Request) {
	key, region := signedBy(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[key+" "+region] = true
}

func (s *signers) only() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []string
	for k := range s.seen {
		all = append(all, k)
	}
	return strings.Join(all, ", ")
}

// putOneTrailObject stores one CloudTrail object and returns its key.
func putOneTrailObject(f *fakeS3) string {
	key := trailKey("", orgID, "111111111111", "us-east-1", orgDay0, 1)
	f.put(key, trailObject("111111111111", "us-east-1", orgDay0, 1, 5))
	return key
}

func listOne(t *testing.T, src *S3Source) {
	t.Helper()
	objs, err := src.List(context.Background())
	if err != nil || len(objs) != 1 {
		t.Fatalf("listed %d objects: %v", len(objs), err)
	}
	rc, err := objs[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
}

// TestS3BucketRegion: a bucket in another Region than the one configured
// is found there. S3 redirects requests signed for the wrong Region, and
// names the right one.
func TestS3BucketRegion(t *testing.T) {
	awsTestEnv(t)
	f := newFakeS3(t, "logs")
	putOneTrailObject(f)
	var who signers
	f.check = func(w http.ResponseWriter, r *http.Request) bool {
		who.record(r)
		if _, region := signedBy(r); region != "eu-west-1" {
			w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
			writeS3Error(w, http.StatusMovedPermanently, "PermanentRedirect")
			return true
		}
		return false
	}
	listOne(t, testS3Source(t, f, "", S3Options{AWS: AWSOptions{Region: "us-east-1"}}))
	if got := who.only(); !strings.Contains(got, "eu-west-1") {
		t.Errorf("signers %s", got)
	}
}

// TestS3Profile: --profile picks credentials and Region from the shared
// files, as the AWS CLI does.
func TestS3Profile(t *testing.T) {
	awsTestEnv(t)
	writeFile(t, os.Getenv("AWS_CONFIG_FILE"), "[profile audit]\nregion = ap-southeast-2\n")
	writeFile(t, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), "[audit]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = s\n")
	f := newFakeS3(t, "logs")
	putOneTrailObject(f)
	var who signers
	f.check = func(w http.ResponseWriter, r *http.Request) bool { who.record(r); return false }
	src, err := NewS3Source(context.Background(), "s3://logs", S3Options{AWS: AWSOptions{Profile: "audit", EndpointURL: f.URL}})
	if err != nil {
		t.Fatal(err)
	}
	listOne(t, src)
	if got := who.only(); got != "AKIAPROFILEEXAMPLE01 ap-southeast-2" {
		t.Errorf("requests signed by %s", got)
	}
}

// TestS3AssumeRole: --role-arn assumes the role through STS (a fake here,
// speaking STS's query protocol) and reads with its credentials.
func TestS3AssumeRole(t *testing.T) {
	awsTestEnv(t)
	const role = "arn:aws:iam::999999999999:role/LogArchiveReader"
	var stsForm string
	var stsSigner string
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		stsForm = r.Form.Encode()
		stsSigner, _ = signedBy(r)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAASSUMEDEXAMPLE01</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::999999999999:assumed-role/LogArchiveReader/gumshoe</Arn><AssumedRoleId>AROAEXAMPLE:gumshoe</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`)
	}))
	defer sts.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)
	f := newFakeS3(t, "logs")
	putOneTrailObject(f)
	var who signers
	f.check = func(w http.ResponseWriter, r *http.Request) bool { who.record(r); return false }
	listOne(t, testS3Source(t, f, "", S3Options{AWS: AWSOptions{RoleARN: role}}))
	if got := who.only(); got != "ASIAASSUMEDEXAMPLE01 us-east-1" {
		t.Errorf("S3 requests signed by %s", got)
	}
	if !strings.Contains(stsForm, "Action=AssumeRole") || !strings.Contains(stsForm, "RoleSessionName=gumshoe") ||
		!strings.Contains(stsForm, "LogArchiveReader") || stsSigner != "AKIATESTEXAMPLE00001" {
		t.Errorf("STS got %q signed by %s", stsForm, stsSigner)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/gumshoe-sec/gumshoe/ingest"
)

// TestIngestS3 runs `gumshoe ingest s3://...` as a user would, against an
// S3 server on loopback, with credentials from the environment only.
func TestIngestS3(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("logs"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	defer srv.Close()
	for day := 1; day <= 3; day++ {
		key := fmt.Sprintf("ct/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/%02d/111122223333_CloudTrail_us-east-1_202610%02dT1200Z_x.json.gz", day, day)
		body := gzipped(fmt.Sprintf(`{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-10-%02dT12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2","eventID":"ev-%d","eventType":"AwsApiCall","recipientAccountId":"111122223333"}]}`, day, day))
		if _, err := backend.PutObject("logs", key, map[string]string{}, bytes.NewReader(body), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIATESTEXAMPLE00001", "AWS_SECRET_ACCESS_KEY=s",
			"AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE=", "AWS_CONFIG_FILE="+filepath.Join(dir, "none"),
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if err != nil {
			return errOut.String(), err
		}
		return out.String(), nil
	}
	out, err := run("ingest", "--db", filepath.Join(dir, "g.db"), "--json", "--endpoint-url", srv.URL, "--region", "us-east-1",
		"--since", "2026-10-02", "s3://logs/ct")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var sum ingest.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sum.Total.FilesRead != 2 || sum.Total.Ingested.CloudTrailEvents != 2 || sum.Sources[0].Source != "s3://logs/ct" {
		t.Errorf("summary %+v", sum)
	}
	if out, err := run("ingest", "--db", filepath.Join(dir, "g.db"), "--since", "last week", "s3://logs"); err == nil || !strings.Contains(out, "--since") {
		t.Errorf("a bad --since: %v %s", err, out)
	}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// fakeOrganizations speaks Organizations' JSON 1.1 protocol: ListAccounts
// in two pages, or AccessDenied when denied is set.
type fakeOrganizations struct {
	t      *testing.T
	denied bool
	calls  atomic.Int32
}

func (f *fakeOrganizations) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Method != http.MethodPost || r.URL.Path != "/" ||
		r.Header.Get("X-Amz-Target") != "AWSOrganizationsV20161128.ListAccounts" ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" ||
		!strings.Contains(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		f.t.Errorf("unexpected request %s %s %v", r.Method, r.URL.Path, r.Header)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.denied {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AccessDeniedException","Message":"You don't have permissions to access this resource."}`)
		return
	}
	var in struct{ NextToken string }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		f.t.Errorf("request body %q: %v", body, err)
	}
	switch in.NextToken {
	case "":
		io.WriteString(w, `{"Accounts":[{"Id":"111122223333","Arn":"arn:aws:organizations::999999999999:account/o-x/111122223333",
			"Name":"prod\u001b[31m","Email":"prod@example.com","Status":"ACTIVE","State":"ACTIVE","JoinedTimestamp":1.7e9}],
			"NextToken":"page-2"}`)
	case "page-2":
		io.WriteString(w, `{"Accounts":[{"Id":"444455556666","Name":"sandbox","Email":"sb@example.com","Status":"SUSPENDED"},
			{"Id":"not-an-id","Name":"junk","Email":"","Status":"ACTIVE"}]}`)
	default:
		f.t.Errorf("unexpected NextToken %q", in.NextToken)
	}
}

// fakeCredentials keeps the SDK to the environment: no profile, no
// instance metadata.
func fakeCredentials(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIATESTEXAMPLE00001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
}

func TestAccountsSyncTwoPages(t *testing.T) {
	fakeCredentials(t)
	org := &fakeOrganizations{t: t}
	srv := httptest.NewServer(org)
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "g.db")
	var out, errOut bytes.Buffer
	cmd := &accountsCommand{stdout: &out, stderr: &errOut, orgEndpoint: srv.URL}
	if err := cmd.Run(context.Background(), []string{"--db", db, "--sync", "--json"}); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if org.calls.Load() != 2 {
		t.Errorf("%d ListAccounts calls, want 2 (two pages)", org.calls.Load())
	}
	var got accountsOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if got.Notice != "" || got.Synced != 2 || len(got.Accounts) != 2 {
		t.Fatalf("got %+v", got)
	}
	a, b := got.Accounts[0], got.Accounts[1]
	if a.ID != "111122223333" || a.Name != "prod\x1b[31m" || a.Email != "prod@example.com" || a.Status != "ACTIVE" || a.InGraph || a.FetchedAt == nil {
		t.Errorf("first account %+v", a)
	}
	if b.ID != "444455556666" || b.Name != "sandbox" || b.Status != "SUSPENDED" {
		t.Errorf("second account %+v", b)
	}

	// Without --json the table is sanitised: no escape reaches the terminal.
	out.Reset()
	cmd = &accountsCommand{stdout: &out, stderr: &errOut}
	if err := cmd.Run(context.Background(), []string{"--db", db}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b") || !strings.Contains(out.String(), "sandbox") || !strings.Contains(out.String(), "not in the graph") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestAccountsSyncAccessDenied(t *testing.T) {
	fakeCredentials(t)
	srv := httptest.NewServer(&fakeOrganizations{t: t, denied: true})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "g.db")
	var out, errOut bytes.Buffer
	cmd := &accountsCommand{stdout: &out, stderr: &errOut, orgEndpoint: srv.URL}
	if err := cmd.Run(context.Background(), []string{"--db", db, "--sync"}); err != nil {
		t.Fatalf("a denied sync is not an error of the command: %v", err)
	}
	line := strings.TrimSpace(errOut.String())
	if strings.Count(line, "\n") != 0 || !strings.Contains(line, "AccessDenied") || !strings.Contains(line, "organizations:ListAccounts") {
		t.Errorf("notice %q", line)
	}
	if !strings.Contains(out.String(), "no accounts") {
		t.Errorf("output %q", out.String())
	}

	// At the start of an ingest the same failure is one notice, not fatal.
	st, err := store.Open(context.Background(), db, store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var notices []string
	namesAtIngest(context.Background(), st, []sourceSpec{{uri: "s3://logs/ct", flags: &sourceFlags{}}}, srv.URL, func(s string) { notices = append(notices, s) })
	if len(notices) != 1 || !strings.Contains(notices[0], "AccessDenied") {
		t.Errorf("notices %q", notices)
	}
	notices = nil
	namesAtIngest(context.Background(), st, []sourceSpec{{uri: t.TempDir(), flags: &sourceFlags{}},
		{uri: "s3://minio/logs", flags: &sourceFlags{endpointURL: "http://127.0.0.1:1"}}}, srv.URL, func(s string) { notices = append(notices, s) })
	if len(notices) != 0 {
		t.Errorf("a local or S3-compatible source asked Organizations: %q", notices)
	}
}

func TestOrgErrorLineNotInUse(t *testing.T) {
	fakeCredentials(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."}`)
	}))
	defer srv.Close()
	_, err := fetchAccountNames(context.Background(), ingest.AWSOptions{}, srv.URL)
	if err == nil || !strings.Contains(orgErrorLine(err), "not in an organisation") {
		t.Errorf("error %v: line %q", err, orgErrorLine(err))
	}
}

package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGuardDuty speaks GuardDuty's REST-JSON protocol (and STS's
// GetCallerIdentity) on loopback, from the recorded-style responses of
// testdata/guardduty_api. The Region of a request is read from its SigV4
// credential scope, as AWS routes by endpoint.
type fakeGuardDuty struct {
	*httptest.Server
	mu      sync.Mutex
	account string
	regions map[string]*fakeGDRegion
	// faults are status codes to answer an operation with, in turn,
	// before it succeeds.
	faults map[string][]int
	// pageSize is how many ids a ListFindings page holds.
	pageSize int
	calls    []string
	// since is the updatedAt criterion of every ListFindings, in order
	// (-1: none).
	since    []int64
	archives []fakeArchiveCall
}

type fakeGDRegion struct {
	detector      string
	administrator string // a GetAdministratorAccount body
	members       string // a ListMembers body
	findings      map[string]map[string]any
	denied        bool // every call answers AccessDeniedException
}

type fakeArchiveCall struct {
	region, detector string
	ids              []string
	archive          bool
}

// newFakeGuardDuty serves us-east-1 as an administrator (one member) and
// eu-west-1 as that member.
func newFakeGuardDuty(t testing.TB) *fakeGuardDuty {
	t.Helper()
	f := &fakeGuardDuty{account: "111122223333", regions: map[string]*fakeGDRegion{}, faults: map[string][]int{}, pageSize: 2}
	for _, r := range []struct{ region, admin, members string }{
		{"us-east-1", "getadministrator_none.json", "listmembers_administrator.json"},
		{"eu-west-1", "getadministrator_member.json", "listmembers_none.json"},
	} {
		var dets struct {
			DetectorIDs []string `json:"detectorIds"`
		}
		mustJSON(t, gdFixture(t, "listdetectors_"+r.region+".json"), &dets)
		reg := &fakeGDRegion{detector: dets.DetectorIDs[0], administrator: string(gdFixture(t, r.admin)),
			members: string(gdFixture(t, r.members)), findings: map[string]map[string]any{}}
		var all struct {
			Findings []map[string]any `json:"findings"`
		}
		mustJSON(t, gdFixture(t, "getfindings_"+r.region+".json"), &all)
		for _, fd := range all.Findings {
			reg.findings[fd["id"].(string)] = fd
		}
		f.regions[r.region] = reg
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func gdFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "guardduty_api", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// update changes a finding as GuardDuty would on new activity.
func (f *fakeGuardDuty) update(region, id string, updatedAt time.Time, count int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fd := f.regions[region].findings[id]
	fd["updatedAt"] = updatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	fd["service"].(map[string]any)["count"] = count
}

// add puts a copy of finding id under a new id.
func (f *fakeGuardDuty) add(region, from, id string, updatedAt time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := json.Marshal(f.regions[region].findings[from])
	var fd map[string]any
	json.Unmarshal(b, &fd)
	fd["id"], fd["updatedAt"] = id, updatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	f.regions[region].findings[id] = fd
}

func (f *fakeGuardDuty) fault(op string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[op] = append(f.faults[op], codes...)
}

func (f *fakeGuardDuty) callsOf(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasSuffix(c, " "+op) {
			n++
		}
	}
	return n
}

var (
	sigRegion  = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/`)
	detectorOp = regexp.MustCompile(`^/detector/([^/]+)(/.*)?$`)
)

func (f *fakeGuardDuty) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m := sigRegion.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		gdError(w, 403, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	region := m[1]
	if r.URL.Path == "/" && strings.Contains(string(body), "Action=GetCallerIdentity") {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:iam::%s:user/responder</Arn><UserId>AIDAEXAMPLERESPONDER</UserId><Account>%s</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
			f.account, f.account)
		return
	}
	op := operation(r.Method, r.URL.Path)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, region+" "+op)
	if codes := f.faults[op]; len(codes) > 0 {
		f.faults[op] = codes[1:]
		switch codes[0] {
		case 429:
			gdError(w, 429, "ThrottlingException", "Rate exceeded")
		default:
			gdError(w, codes[0], "InternalServerErrorException", "The request failed due to an internal server error.")
		}
		return
	}
	reg := f.regions[region]
	if reg == nil || reg.denied {
		gdError(w, 403, "AccessDeniedException", "User is not authorized to perform: guardduty:"+op)
		return
	}
	if op != "ListDetectors" {
		if dm := detectorOp.FindStringSubmatch(r.URL.Path); dm == nil || dm[1] != reg.detector {
			gdError(w, 400, "BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	switch op {
	case "ListDetectors":
		fmt.Fprintf(w, `{"detectorIds":[%q]}`, reg.detector)
	case "GetAdministratorAccount":
		io.WriteString(w, reg.administrator)
	case "ListMembers":
		io.WriteString(w, reg.members)
	case "ListFindings":
		f.listFindings(w, reg, body)
	case "GetFindings":
		var in struct {
			FindingIDs []string `json:"findingIds"`
		}
		json.Unmarshal(body, &in)
		out := []map[string]any{}
		for _, id := range in.FindingIDs {
			if fd := reg.findings[id]; fd != nil {
				out = append(out, fd)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"findings": out})
	case "ArchiveFindings", "UnarchiveFindings":
		var in struct {
			FindingIDs []string `json:"findingIds"`
		}
		json.Unmarshal(body, &in)
		archive := op == "ArchiveFindings"
		f.archives = append(f.archives, fakeArchiveCall{region: region, detector: reg.detector, ids: in.FindingIDs, archive: archive})
		for _, id := range in.FindingIDs {
			if fd := reg.findings[id]; fd != nil {
				fd["service"].(map[string]any)["archived"] = archive
			}
		}
		io.WriteString(w, `{}`)
	default:
		gdError(w, 404, "BadRequestException", "unknown operation "+r.Method+" "+r.URL.Path)
	}
}

// listFindings answers one page of ids, oldest update first, filtered on
// updatedAt as the request's criterion says.
func (f *fakeGuardDuty) listFindings(w http.ResponseWriter, reg *fakeGDRegion, body []byte) {
	var in struct {
		FindingCriteria struct {
			Criterion map[string]struct {
				GreaterThanOrEqual *int64 `json:"greaterThanOrEqual"`
			} `json:"criterion"`
		} `json:"findingCriteria"`
		NextToken string `json:"nextToken"`
	}
	json.Unmarshal(body, &in)
	since := int64(-1)
	if c, ok := in.FindingCriteria.Criterion["updatedAt"]; ok && c.GreaterThanOrEqual != nil {
		since = *c.GreaterThanOrEqual
	}
	if in.NextToken == "" {
		f.since = append(f.since, since)
	}
	type idAt struct {
		id string
		at int64
	}
	var ids []idAt
	for id, fd := range reg.findings {
		at, _ := time.Parse(time.RFC3339, fd["updatedAt"].(string))
		if at.UnixMilli() >= since {
			ids = append(ids, idAt{id, at.UnixMilli()})
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].at < ids[j].at || ids[i].at == ids[j].at && ids[i].id < ids[j].id })
	start, _ := strconv.Atoi(in.NextToken)
	end := min(start+f.pageSize, len(ids))
	page := []string{}
	for _, x := range ids[start:end] {
		page = append(page, x.id)
	}
	out := map[string]any{"findingIds": page}
	if end < len(ids) {
		out["nextToken"] = strconv.Itoa(end)
	}
	json.NewEncoder(w).Encode(out)
}

// operation names the GuardDuty operation of a request.
func operation(method, path string) string {
	m := detectorOp.FindStringSubmatch(path)
	switch {
	case path == "/detector" && method == http.MethodGet:
		return "ListDetectors"
	case m == nil:
		return "unknown"
	}
	switch m[2] {
	case "/findings":
		return "ListFindings"
	case "/findings/get":
		return "GetFindings"
	case "/findings/archive":
		return "ArchiveFindings"
	case "/findings/unarchive":
		return "UnarchiveFindings"
	case "/administrator":
		return "GetAdministratorAccount"
	case "/member":
		return "ListMembers"
	}
	return "unknown"
}

func gdError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q,"__type":%q}`, msg, code)
}

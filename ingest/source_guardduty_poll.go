package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	json "github.com/goccy/go-json"

	"github.com/gumshoe-sec/gumshoe/store"
)

// getFindingsBatch is the most finding ids GetFindings takes at once.
const getFindingsBatch = 50

// maxGetFindingsBytes caps one GetFindings response: 50 findings of a
// few kilobytes each, with room for the largest (EKS and malware-scan
// findings run to tens of kilobytes).
const maxGetFindingsBytes = 64 << 20

// pollDetector fetches the findings of one detector updated since its
// watermark (less the overlap) and returns them as one object, or nil when
// nothing is new.
func (s *GuardDutySource) pollDetector(ctx context.Context, client *guardduty.Client, region, det string) (*Object, error) {
	role := s.role(ctx, client, region, det)
	prefix := guardDutyURI(region, det)
	since, ok, err := s.opts.State.NewestObjectTime(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("watermark: %w", err)
	}
	in := &guardduty.ListFindingsInput{DetectorId: aws.String(det), MaxResults: aws.Int32(getFindingsBatch),
		SortCriteria: &types.SortCriteria{AttributeName: aws.String("updatedAt"), OrderBy: types.OrderByAsc}}
	if ok {
		from := since.Add(-guardDutyOverlap).UnixMilli()
		in.FindingCriteria = &types.FindingCriteria{Criterion: map[string]types.Condition{
			"updatedAt": {GreaterThanOrEqual: aws.Int64(from)}}}
	}
	var ids []string
	p := guardduty.NewListFindingsPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListFindings: %w", err)
		}
		ids = append(ids, page.FindingIds...)
	}
	var fresh []json.RawMessage
	var origins []store.FindingOrigin
	var first, last time.Time
	fetched := s.now().UTC()
	for start := 0; start < len(ids); start += getFindingsBatch {
		batch := ids[start:min(start+getFindingsBatch, len(ids))]
		found, err := getFindings(ctx, client, det, batch)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			origins = append(origins, store.FindingOrigin{Finding: f.ID, Region: region, Detector: det,
				Account: s.account, Role: role.role, Administrator: role.administrator, FetchedAt: fetched})
			known, err := s.opts.State.HasFindingUpdate(ctx, f.ID, f.UpdatedAt)
			if err != nil {
				return nil, err
			}
			if known {
				continue
			}
			fresh = append(fresh, f.raw)
			if first.IsZero() || f.UpdatedAt.Before(first) {
				first = f.UpdatedAt
			}
			if f.UpdatedAt.After(last) {
				last = f.UpdatedAt
			}
		}
	}
	if err := s.opts.State.RecordFindingOrigins(ctx, origins); err != nil {
		return nil, fmt.Errorf("record origins: %w", err)
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(struct {
		Findings []json.RawMessage `json:"findings"`
	}{fresh})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	uri := fmt.Sprintf("%s%d-%d-%s", prefix, first.UnixMilli(), last.UnixMilli(), hex.EncodeToString(sum[:4]))
	return &Object{URI: uri, Size: int64(len(body)), ModTime: last, Delivery: prefix, Region: region, Account: s.account,
		open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}, nil
}

// apiFinding is a finding as GetFindings returned it: its JSON untouched,
// and what a poll needs to know of it.
type apiFinding struct {
	ID        string
	UpdatedAt time.Time
	raw       json.RawMessage
}

// getFindings fetches findings and returns them as the API sent them.
// The SDK parses the response (and retries throttling and 5xx answers);
// the bytes of the answer it accepted are what the decoder reads, so the
// raw finding kept in the graph is GuardDuty's own JSON.
func getFindings(ctx context.Context, client *guardduty.Client, det string, ids []string) ([]apiFinding, error) {
	capture := &bodyCapture{}
	_, err := client.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(det), FindingIds: ids},
		func(o *guardduty.Options) {
			capture.base = o.HTTPClient
			o.HTTPClient = capture
		})
	if err != nil {
		return nil, fmt.Errorf("GetFindings: %w", err)
	}
	var resp struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(capture.body, &resp); err != nil {
		return nil, fmt.Errorf("GetFindings: %s", jsonProblem(err))
	}
	out := make([]apiFinding, 0, len(resp.Findings))
	for i, raw := range resp.Findings {
		var head struct {
			ID        string `json:"id"`
			UpdatedAt string `json:"updatedAt"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.ID == "" {
			return nil, fmt.Errorf("GetFindings: finding %d has no id", i)
		}
		t, err := time.Parse(time.RFC3339, head.UpdatedAt)
		if err != nil {
			return nil, fmt.Errorf("GetFindings: finding %s: unparseable updatedAt %q", clip(head.ID), clip(head.UpdatedAt))
		}
		out = append(out, apiFinding{ID: head.ID, UpdatedAt: t.UTC(), raw: raw})
	}
	return out, nil
}

// bodyCapture keeps the body of the last successful response that passed
// through it, handing the SDK a copy to parse.
type bodyCapture struct {
	base guardduty.HTTPClient
	body []byte
}

func (c *bodyCapture) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.base.Do(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxGetFindingsBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(b) > maxGetFindingsBytes {
		return nil, fmt.Errorf("GetFindings response larger than %d MiB", maxGetFindingsBytes>>20)
	}
	c.body = b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// detectorRole is a detector's part in GuardDuty's administrator/member
// scheme.
type detectorRole struct {
	role, administrator string
}

// role asks once per detector whether its account is a member (it has an
// administrator) or an administrator (it has members). A detector whose
// account may not ask is "unknown": its findings still ingest.
func (s *GuardDutySource) role(ctx context.Context, client *guardduty.Client, region, det string) detectorRole {
	key := region + "/" + det
	if r, ok := s.roles[key]; ok {
		return r
	}
	r, err := askDetectorRole(ctx, client, det)
	if err != nil {
		return detectorRole{role: store.RoleUnknown}
	}
	s.roles[key] = r
	return r
}

func askDetectorRole(ctx context.Context, client *guardduty.Client, det string) (detectorRole, error) {
	admin, member, err := administratorOf(ctx, client, det)
	if err != nil {
		return detectorRole{}, err
	}
	if member {
		return detectorRole{role: store.RoleMember, administrator: admin}, nil
	}
	members, err := client.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: aws.String(det),
		MaxResults: aws.Int32(1), OnlyAssociated: aws.String("true")})
	if err != nil {
		return detectorRole{}, err
	}
	if len(members.Members) > 0 {
		return detectorRole{role: store.RoleAdministrator}, nil
	}
	return detectorRole{role: store.RoleStandalone}, nil
}

// administratorOf says whether the detector's account is a member, and
// of which administrator: one whose invitation is accepted (Enabled).
func administratorOf(ctx context.Context, client *guardduty.Client, det string) (string, bool, error) {
	out, err := client.GetAdministratorAccount(ctx, &guardduty.GetAdministratorAccountInput{DetectorId: aws.String(det)})
	if err != nil {
		return "", false, err
	}
	if a := out.Administrator; a != nil && aws.ToString(a.RelationshipStatus) == "Enabled" {
		return aws.ToString(a.AccountId), true, nil
	}
	return "", false, nil
}

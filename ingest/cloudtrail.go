package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// cloudTrailContainers are the keys of S3 delivery objects that hold events.
var cloudTrailContainers = []string{"Records"}

// digestPeek is how much DecodeCloudTrail looks at to recognise a digest
// file, whose identifying keys come first.
const digestPeek = 4 << 10

// DecodeCloudTrail reads CloudTrail events from an S3 delivery object
// ({"Records":[...]}), a JSON array, JSON lines or single events, each of
// which may be an EventBridge event carrying the CloudTrail event in its
// "detail". A digest file is skipped with a notice: it lists log files, it
// records no activity.
func DecodeCloudTrail(r io.Reader, skip int64, sink Sink) error {
	br, release := newJSONReader(r)
	defer release()
	if head, _ := br.Peek(digestPeek); Sniff(head) == FormatCloudTrailDigest {
		sink.Notice("CloudTrail digest file skipped")
		return nil
	}
	d := &cloudTrailDecoder{sink: sink}
	return splitJSON(br, cloudTrailContainers, skip, sink, d.record)
}

type cloudTrailDecoder struct {
	sink Sink
	// rec, req and resp are reused from record to record, so that the raw
	// sub-documents keep their buffers and decoding allocates only what
	// the APICall keeps.
	rec  ctRecord
	req  ctRequest
	resp ctResponse
}

// ctRecord is one record as delivered: a CloudTrail event, or an
// EventBridge event whose Detail is one.
type ctRecord struct {
	ctEvent
	Detail *ctEvent `json:"detail"`
}

// ctEvent holds only the fields the graph uses. The request and response
// stay raw: their shape depends on the API, and only a few APIs need them.
type ctEvent struct {
	EventID            string          `json:"eventID"`
	SharedEventID      string          `json:"sharedEventID"`
	EventTime          string          `json:"eventTime"`
	RecipientAccountID string          `json:"recipientAccountId"`
	AWSRegion          string          `json:"awsRegion"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode"`
	UserIdentity       ctIdentity      `json:"userIdentity"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
}

type ctIdentity struct {
	Type             string `json:"type"`
	PrincipalID      string `json:"principalId"`
	ARN              string `json:"arn"`
	AccountID        string `json:"accountId"`
	AccessKeyID      string `json:"accessKeyId"`
	UserName         string `json:"userName"`
	InvokedBy        string `json:"invokedBy"`
	IdentityProvider string `json:"identityProvider"`
	SessionContext   struct {
		SessionIssuer struct {
			Type        string `json:"type"`
			PrincipalID string `json:"principalId"`
			ARN         string `json:"arn"`
			AccountID   string `json:"accountId"`
			UserName    string `json:"userName"`
		} `json:"sessionIssuer"`
		WebIDFederationData struct {
			FederatedProvider string `json:"federatedProvider"`
		} `json:"webIdFederationData"`
		EC2RoleDelivery string `json:"ec2RoleDelivery"`
	} `json:"sessionContext"`
}

func (d *cloudTrailDecoder) record(data []byte, pos graph.Position) error {
	if data[0] != '{' {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: "record is not a JSON object"})
	}
	rec := &d.rec
	*rec = ctRecord{ctEvent: ctEvent{
		RequestParameters: rec.RequestParameters[:0],
		ResponseElements:  rec.ResponseElements[:0],
	}}
	if err := json.Unmarshal(data, rec); err != nil {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: "invalid CloudTrail event: " + jsonProblem(err)})
	}
	ev, where := &rec.ctEvent, ""
	if rec.Detail != nil {
		ev, where = rec.Detail, " in EventBridge detail"
	}
	call, problem := ev.apiCall()
	if problem != "" {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: problem + where})
	}
	d.addDetails(ev, call)
	call.Pos = pos
	return d.sink.APICall(call)
}

// apiCall reduces the event to a graph.APICall, or says why it cannot.
func (e *ctEvent) apiCall() (*graph.APICall, string) {
	switch {
	case e.EventID == "":
		return nil, "missing eventID"
	case e.EventTime == "":
		return nil, "missing eventTime"
	}
	t, err := time.Parse(time.RFC3339, e.EventTime)
	if err != nil {
		return nil, fmt.Sprintf("unparseable eventTime %q", clip(e.EventTime))
	}
	ui, sc := &e.UserIdentity, &e.UserIdentity.SessionContext
	c := &graph.APICall{
		EventID:       e.EventID,
		SharedEventID: e.SharedEventID,
		Time:          t.UTC(),
		Account:       e.RecipientAccountID,
		Region:        e.AWSRegion,
		Service:       e.EventSource,
		Name:          e.EventName,
		SourceIP:      e.SourceIPAddress,
		UserAgent:     e.UserAgent,
		ErrorCode:     e.ErrorCode,
		Failed:        e.ErrorCode != "",
		Identity: graph.Identity{
			Type:              ui.Type,
			PrincipalID:       ui.PrincipalID,
			ARN:               ui.ARN,
			AccountID:         ui.AccountID,
			AccessKeyID:       ui.AccessKeyID,
			UserName:          ui.UserName,
			InvokedBy:         ui.InvokedBy,
			IssuerType:        sc.SessionIssuer.Type,
			IssuerPrincipalID: sc.SessionIssuer.PrincipalID,
			IssuerARN:         sc.SessionIssuer.ARN,
			IssuerAccountID:   sc.SessionIssuer.AccountID,
			IssuerUserName:    sc.SessionIssuer.UserName,
			IdentityProvider:  firstNonEmpty(sc.WebIDFederationData.FederatedProvider, ui.IdentityProvider),
			EC2RoleDelivery:   sc.EC2RoleDelivery != "",
		},
	}
	return c, ""
}

// ctRequest and ctResponse are the parts of requestParameters and
// responseElements that the graph uses, across the APIs that have them.
type ctRequest struct {
	RoleARN         string `json:"roleArn"`
	RoleSessionName string `json:"roleSessionName"`
	PrincipalARN    string `json:"principalArn"`
	Name            string `json:"name"`
	S3BucketName    string `json:"s3BucketName"`
	BucketName      string `json:"bucketName"`
	RoleName        string `json:"roleName"`
	UserName        string `json:"userName"`
}

type ctResponse struct {
	ConsoleLogin string `json:"ConsoleLogin"`
	Credentials  struct {
		AccessKeyID string `json:"accessKeyId"`
	} `json:"credentials"`
	AssumedRoleUser struct {
		AssumedRoleID string `json:"assumedRoleId"`
		ARN           string `json:"arn"`
	} `json:"assumedRoleUser"`
	FederatedUser struct {
		FederatedUserID string `json:"federatedUserId"`
	} `json:"federatedUser"`
	Issuer                      string `json:"issuer"`
	Subject                     string `json:"subject"`
	Provider                    string `json:"provider"`
	SubjectFromWebIdentityToken string `json:"subjectFromWebIdentityToken"`
	AccessKey                   struct {
		AccessKeyID string `json:"accessKeyId"`
		UserName    string `json:"userName"`
	} `json:"accessKey"`
	InstancesSet struct {
		Items []ctInstance `json:"items"`
	} `json:"instancesSet"`
}

type ctInstance struct {
	InstanceID          string `json:"instanceId"`
	VpcID               string `json:"vpcId"`
	SubnetID            string `json:"subnetId"`
	PrivateIPAddress    string `json:"privateIpAddress"`
	IPAddress           string `json:"ipAddress"`
	NetworkInterfaceSet struct {
		Items []struct {
			NetworkInterfaceID    string `json:"networkInterfaceId"`
			PrivateIPAddress      string `json:"privateIpAddress"`
			PrivateIPAddressesSet struct {
				// CloudTrail renders this EC2 XML list as "item"; accept
				// "items", the spelling of its other lists, too.
				Item  []ctPrivateIP `json:"item"`
				Items []ctPrivateIP `json:"items"`
			} `json:"privateIpAddressesSet"`
		} `json:"items"`
	} `json:"networkInterfaceSet"`
}

type ctPrivateIP struct {
	PrivateIPAddress string `json:"privateIpAddress"`
}

// addDetails fills the fields that only some APIs have. The request and
// response are decoded only for those APIs. A request or response that does
// not have the documented shape leaves these fields empty: the call itself
// still happened and still counts.
func (d *cloudTrailDecoder) addDetails(e *ctEvent, c *graph.APICall) {
	switch e.EventName {
	case "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetFederationToken":
		c.Assume = assumption(e.EventName, d.request(e), d.response(e))
		return
	case "StopLogging", "StartLogging", "DeleteTrail", "UpdateTrail", "CreateTrail":
		req := d.request(e)
		c.Trail = req.Name
		if e.EventName == "CreateTrail" || e.EventName == "UpdateTrail" {
			c.TrailBucket = req.S3BucketName
		}
		return
	case "ConsoleLogin":
		c.Failed = c.Failed || d.response(e).ConsoleLogin == "Failure"
		return
	}
	switch e.EventSource {
	case "s3.amazonaws.com":
		c.Bucket = d.request(e).BucketName
	case "iam.amazonaws.com":
		req := d.request(e)
		c.TargetRole, c.TargetUser = req.RoleName, req.UserName
		if e.EventName == "CreateAccessKey" {
			key := d.response(e).AccessKey
			c.NewAccessKey, c.NewKeyUser = key.AccessKeyID, key.UserName
		}
	case "ec2.amazonaws.com":
		if e.EventName == "RunInstances" {
			c.Launched = launched(d.response(e).InstancesSet.Items)
		}
	}
}

func (d *cloudTrailDecoder) request(e *ctEvent) *ctRequest {
	d.req = ctRequest{}
	decodeLoose(e.RequestParameters, &d.req)
	return &d.req
}

func (d *cloudTrailDecoder) response(e *ctEvent) *ctResponse {
	d.resp = ctResponse{}
	decodeLoose(e.ResponseElements, &d.resp)
	return &d.resp
}

// decodeLoose decodes a raw sub-document, keeping whatever fits v.
func decodeLoose(raw json.RawMessage, v any) {
	if len(raw) == 0 || raw[0] != '{' {
		return
	}
	_ = json.Unmarshal(raw, v) // a field of another type only stays empty
}

func assumption(name string, req *ctRequest, resp *ctResponse) *graph.Assumption {
	a := &graph.Assumption{
		RoleARN:       req.RoleARN,
		SessionName:   req.RoleSessionName,
		AssumedRoleID: resp.AssumedRoleUser.AssumedRoleID,
		AssumedARN:    resp.AssumedRoleUser.ARN,
		AccessKeyID:   resp.Credentials.AccessKeyID,
	}
	switch name {
	case "AssumeRoleWithSAML":
		a.Provider = firstNonEmpty(req.PrincipalARN, resp.Issuer)
		a.Subject = resp.Subject
	case "AssumeRoleWithWebIdentity":
		a.Provider = resp.Provider
		a.Subject = resp.SubjectFromWebIdentityToken
	case "GetFederationToken":
		a.SessionName = req.Name
		a.FederatedUserID = resp.FederatedUser.FederatedUserID
	}
	return a
}

func launched(items []ctInstance) []graph.LaunchedInstance {
	var out []graph.LaunchedInstance
	for i := range items {
		it := &items[i]
		li := graph.LaunchedInstance{
			InstanceID: it.InstanceID,
			VPC:        it.VpcID,
			Subnet:     it.SubnetID,
			PublicIP:   it.IPAddress,
		}
		li.PrivateIPs = appendNew(li.PrivateIPs, it.PrivateIPAddress)
		for _, ni := range it.NetworkInterfaceSet.Items {
			li.ENIs = appendNew(li.ENIs, ni.NetworkInterfaceID)
			li.PrivateIPs = appendNew(li.PrivateIPs, ni.PrivateIPAddress)
			for _, set := range [][]ctPrivateIP{ni.PrivateIPAddressesSet.Item, ni.PrivateIPAddressesSet.Items} {
				for _, p := range set {
					li.PrivateIPs = appendNew(li.PrivateIPs, p.PrivateIPAddress)
				}
			}
		}
		out = append(out, li)
	}
	return out
}

// appendNew appends s unless it is empty or already in list.
func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// jsonProblem words a decoding error for a bad-record reason: where a
// syntax error is, and without the library's "json: " prefix.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// clip shortens a value quoted in a reason, which may be hostile.
func clip(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}

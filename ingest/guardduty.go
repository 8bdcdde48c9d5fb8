package ingest

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"time"

	json "github.com/goccy/go-json"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// guardDutyContainers are the keys that hold findings: GetFindings as the
// AWS CLI and SDKs print it, and the camelCase spelling of exports.
var guardDutyContainers = []string{"Findings", "findings"}

// DecodeGuardDuty reads GuardDuty findings from a GetFindings response
// ({"Findings":[...]}), a JSON array, JSON lines (the S3 export) or single
// findings, each of which may be an EventBridge event carrying the finding
// in its "detail". PascalCase (API) and camelCase (export, EventBridge) are
// read by one path: the decoder matches field names case-insensitively.
func DecodeGuardDuty(r io.Reader, skip int64, sink Sink) error {
	d := &guardDutyDecoder{sink: sink}
	br, release := newJSONReader(r)
	defer release()
	return splitJSON(br, guardDutyContainers, skip, sink, d.record)
}

type guardDutyDecoder struct{ sink Sink }

// gdRecord is a finding, or an EventBridge event whose Detail is one.
type gdRecord struct {
	gdFinding
	Detail json.RawMessage `json:"detail"`
}

type gdFinding struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Severity    gdSeverity `json:"severity"`
	AccountID   string     `json:"accountId"`
	Region      string     `json:"region"`
	Partition   string     `json:"partition"`
	CreatedAt   string     `json:"createdAt"`
	UpdatedAt   string     `json:"updatedAt"`
	Resource    gdResource `json:"resource"`
	Service     gdService  `json:"service"`
}

type gdResource struct {
	ResourceType    string `json:"resourceType"`
	InstanceDetails struct {
		InstanceID        string  `json:"instanceId"`
		NetworkInterfaces []gdENI `json:"networkInterfaces"`
	} `json:"instanceDetails"`
	AccessKeyDetails struct {
		AccessKeyID string `json:"accessKeyId"`
		PrincipalID string `json:"principalId"`
		UserName    string `json:"userName"`
		UserType    string `json:"userType"`
	} `json:"accessKeyDetails"`
	S3BucketDetails []struct {
		Name string `json:"name"`
	} `json:"s3BucketDetails"`
}

type gdENI struct {
	NetworkInterfaceID string `json:"networkInterfaceId"`
	PrivateIPAddress   string `json:"privateIpAddress"`
	PrivateIPAddresses []struct {
		PrivateIPAddress string `json:"privateIpAddress"`
	} `json:"privateIpAddresses"`
	PublicIP      string   `json:"publicIp"`
	VpcID         string   `json:"vpcId"`
	Ipv6Addresses []string `json:"ipv6Addresses"`
}

type gdService struct {
	Archived       bool   `json:"archived"`
	Count          int64  `json:"count"`
	EventFirstSeen string `json:"eventFirstSeen"`
	EventLastSeen  string `json:"eventLastSeen"`
	Action         struct {
		ActionType              string `json:"actionType"`
		NetworkConnectionAction struct {
			RemoteIPDetails gdIP `json:"remoteIpDetails"`
			LocalIPDetails  gdIP `json:"localIpDetails"`
		} `json:"networkConnectionAction"`
		PortProbeAction struct {
			PortProbeDetails []struct {
				RemoteIPDetails gdIP `json:"remoteIpDetails"`
				LocalIPDetails  gdIP `json:"localIpDetails"`
			} `json:"portProbeDetails"`
		} `json:"portProbeAction"`
		AwsAPICallAction struct {
			RemoteIPDetails      gdIP   `json:"remoteIpDetails"`
			UserAgent            string `json:"userAgent"`
			RemoteAccountDetails struct {
				AccountID string `json:"accountId"`
			} `json:"remoteAccountDetails"`
		} `json:"awsApiCallAction"`
	} `json:"action"`
}

type gdIP struct {
	IPAddressV4 string `json:"ipAddressV4"`
	IPAddressV6 string `json:"ipAddressV6"`
}

// gdSeverity accepts a number or a string holding one: the API prints 5.0,
// some exports and hand-made files "5.0".
type gdSeverity float64

func (s *gdSeverity) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	text := string(bytes.Trim(b, `"`))
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("severity %s is not a number", clip(string(b)))
	}
	*s = gdSeverity(f)
	return nil
}

func (d *guardDutyDecoder) record(data []byte, pos graph.Position) error {
	if data[0] != '{' {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: "record is not a JSON object"})
	}
	var rec gdRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: "invalid GuardDuty finding: " + jsonProblem(err)})
	}
	f, raw := &rec.gdFinding, []byte(nil)
	if len(rec.Detail) > 0 && rec.Detail[0] == '{' {
		f, raw = new(gdFinding), rec.Detail
		if err := json.Unmarshal(raw, f); err != nil {
			return d.sink.Bad(BadRecord{Pos: pos, Reason: "invalid GuardDuty finding in EventBridge detail: " + jsonProblem(err)})
		}
	} else {
		raw = bytes.Clone(data)
	}
	finding, problem := f.finding()
	if problem != "" {
		return d.sink.Bad(BadRecord{Pos: pos, Reason: problem})
	}
	finding.Raw, finding.Pos = raw, pos
	return d.sink.Finding(finding)
}

// finding converts f, or says why it cannot: a finding is identified by
// id and updatedAt, so both must be there.
func (f *gdFinding) finding() (*graph.Finding, string) {
	if f.ID == "" {
		return nil, "missing id"
	}
	if f.UpdatedAt == "" {
		return nil, "missing updatedAt"
	}
	out := &graph.Finding{
		ID:           f.ID,
		Type:         f.Type,
		Title:        f.Title,
		Description:  f.Description,
		Severity:     float64(f.Severity),
		Account:      f.AccountID,
		Region:       f.Region,
		Partition:    f.Partition,
		Count:        f.Service.Count,
		Archived:     f.Service.Archived,
		ResourceType: f.Resource.ResourceType,
		ActionType:   f.Service.Action.ActionType,
	}
	for _, t := range []struct {
		name  string
		value string
		dst   *time.Time
	}{
		{"updatedAt", f.UpdatedAt, &out.UpdatedAt},
		{"createdAt", f.CreatedAt, &out.CreatedAt},
		{"eventFirstSeen", f.Service.EventFirstSeen, &out.FirstSeen},
		{"eventLastSeen", f.Service.EventLastSeen, &out.LastSeen},
	} {
		if t.value == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, t.value)
		if err != nil {
			return nil, fmt.Sprintf("unparseable %s %q", t.name, clip(t.value))
		}
		*t.dst = v.UTC()
	}
	inv := involvement{finding: f}
	inv.collect()
	out.Involved = inv.list
	out.Assignments = f.assignments(out)
	return out, ""
}

// involvement gathers a finding's entities, each (entity, part) once.
type involvement struct {
	finding *gdFinding
	list    []graph.Involvement
}

func (v *involvement) add(kind graph.Kind, key, account string, part graph.Part) {
	if key == "" {
		return
	}
	in := graph.Involvement{Entity: graph.Entity{Kind: kind, Key: key, Account: account}, Part: part}
	if !slices.Contains(v.list, in) {
		v.list = append(v.list, in)
	}
}

// addIP adds an address in its canonical form, so that it meets the same
// address from flow logs; a value that is not an address is left out.
func (v *involvement) addIP(s string, part graph.Part) {
	if ip, ok := canonicalIP(s); ok {
		v.add(graph.KindIP, ip, "", part)
	}
}

func (v *involvement) addIPs(d gdIP, part graph.Part) {
	v.addIP(d.IPAddressV4, part)
	v.addIP(d.IPAddressV6, part)
}

func (v *involvement) collect() {
	f := v.finding
	acct, res, act := f.AccountID, &f.Resource, &f.Service.Action
	v.add(graph.KindAccount, acct, acct, graph.PartAccount)
	v.add(graph.KindInstance, res.InstanceDetails.InstanceID, acct, graph.PartResource)
	for _, ni := range res.InstanceDetails.NetworkInterfaces {
		v.add(graph.KindENI, ni.NetworkInterfaceID, acct, graph.PartENI)
		for _, ip := range ni.addresses() {
			v.add(graph.KindIP, ip, "", graph.PartLocalIP)
		}
	}
	v.principal()
	for _, b := range res.S3BucketDetails {
		v.add(graph.KindBucket, b.Name, acct, graph.PartBucket)
	}
	v.addIPs(act.NetworkConnectionAction.RemoteIPDetails, graph.PartRemoteIP)
	v.addIPs(act.NetworkConnectionAction.LocalIPDetails, graph.PartLocalIP)
	for _, p := range act.PortProbeAction.PortProbeDetails {
		v.addIPs(p.RemoteIPDetails, graph.PartRemoteIP)
		v.addIPs(p.LocalIPDetails, graph.PartLocalIP)
	}
	api := &act.AwsAPICallAction
	v.addIPs(api.RemoteIPDetails, graph.PartRemoteIP)
	v.add(graph.KindAccount, api.RemoteAccountDetails.AccountID, api.RemoteAccountDetails.AccountID, graph.PartActor)
	v.add(graph.KindUserAgent, api.UserAgent, "", graph.PartUserAgent)
}

// principal adds the access key and who it belongs to. For an assumed role
// both the session and its role are actors: the finding is about what the
// session did, and a responder reaches it from either profile. The role's
// part is not "resource": nothing was done to the role.
func (v *involvement) principal() {
	f := v.finding
	acct, k := f.AccountID, &f.Resource.AccessKeyDetails
	v.add(graph.KindAccessKey, k.AccessKeyID, acct, graph.PartAccessKey)
	if k.UserType == "AssumedRole" {
		v.add(graph.KindSession, k.PrincipalID, acct, graph.PartActor)
	}
	if acct == "" {
		return // the other principals' keys name their account
	}
	switch k.UserType {
	case "AssumedRole":
		if k.UserName != "" {
			v.add(graph.KindRole, graph.RoleKey(acct, k.UserName), acct, graph.PartActor)
		}
	case "IAMUser":
		if k.UserName != "" {
			v.add(graph.KindUser, graph.UserKey(acct, k.UserName), acct, graph.PartActor)
		}
	case "Root":
		v.add(graph.KindUser, graph.RootKey(acct), acct, graph.PartActor)
	case "FederatedUser":
		if k.UserName != "" {
			v.add(graph.KindFederated, graph.FedKey(acct, k.UserName), "", graph.PartActor)
		}
	}
}

// addresses lists the interface's private, public and IPv6 addresses in
// canonical form.
func (ni *gdENI) addresses() []string {
	var out []string
	add := func(s string) {
		if ip, ok := canonicalIP(s); ok {
			out = appendNew(out, ip)
		}
	}
	add(ni.PrivateIPAddress)
	for _, p := range ni.PrivateIPAddresses {
		add(p.PrivateIPAddress)
	}
	add(ni.PublicIP)
	for _, ip := range ni.Ipv6Addresses {
		add(ip)
	}
	return out
}

// assignments says which addresses the instance's interfaces held, from the
// hour of the first activity to the last (the finding's window).
func (f *gdFinding) assignments(out *graph.Finding) []graph.Assignment {
	inst := &f.Resource.InstanceDetails
	if inst.InstanceID == "" {
		return nil
	}
	from := firstTime(out.FirstSeen, out.CreatedAt, out.UpdatedAt).Truncate(time.Hour)
	to := firstTime(out.LastSeen, out.UpdatedAt)
	var list []graph.Assignment
	for _, ni := range inst.NetworkInterfaces {
		for _, ip := range ni.addresses() {
			list = append(list, graph.Assignment{
				Instance: inst.InstanceID,
				ENI:      ni.NetworkInterfaceID,
				Account:  f.AccountID,
				VPC:      ni.VpcID,
				IP:       ip,
				From:     from,
				To:       to,
			})
		}
	}
	return list
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func canonicalIP(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	return ip.Unmap().String(), true
}

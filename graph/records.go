package graph

import (
	"net/netip"
	"time"
)

// Position locates one record inside its source object, so the raw record
// can be read again on demand. Line is 1-based (0 when the format has no
// meaningful lines, as in a one-line CloudTrail object); Index is the 0-based
// record number within the object and is what resuming skips by.
type Position struct {
	Line  int64
	Index int64
}

// APICall is one CloudTrail event reduced to what the graph needs. Decoders
// fill it; Attribute turns it into entities and edges.
type APICall struct {
	EventID       string
	SharedEventID string
	Time          time.Time
	Account       string // recipientAccountId
	Region        string
	Service       string // eventSource, e.g. cloudtrail.amazonaws.com
	Name          string // eventName
	SourceIP      string // as logged: an address, a service name or "AWS Internal"
	UserAgent     string
	ErrorCode     string
	// Failed is true when the call had an errorCode, or was a ConsoleLogin
	// whose responseElements.ConsoleLogin is "Failure".
	Failed   bool
	Identity Identity

	// Assume is set for AssumeRole, AssumeRoleWithSAML,
	// AssumeRoleWithWebIdentity and GetFederationToken.
	Assume *Assumption
	// Trail is requestParameters.name of trail management calls
	// (StopLogging, StartLogging, DeleteTrail, UpdateTrail, CreateTrail).
	Trail string
	// TrailBucket is requestParameters.s3BucketName of CreateTrail and
	// UpdateTrail: it ties a delivery prefix to the trail's name.
	TrailBucket string
	// Bucket is requestParameters.bucketName of S3 calls.
	Bucket string
	// Launched lists instances that RunInstances created.
	Launched []LaunchedInstance
	// NewAccessKey is the key CreateAccessKey issued, for NewKeyUser.
	NewAccessKey string
	NewKeyUser   string
	// TargetRole and TargetUser name the IAM role or user a call acted on
	// (AttachRolePolicy, PutUserPolicy, CreateAccessKey ...).
	TargetRole string
	TargetUser string

	Pos Position
}

// Identity is CloudTrail's userIdentity.
type Identity struct {
	Type        string // IAMUser, Root, AssumedRole, FederatedUser, AWSAccount, AWSService, SAMLUser, WebIdentityUser, IdentityCenterUser, Unknown
	PrincipalID string
	ARN         string
	AccountID   string
	AccessKeyID string
	UserName    string
	InvokedBy   string
	// IssuerType ... IssuerUserName come from sessionContext.sessionIssuer.
	IssuerType        string
	IssuerPrincipalID string
	IssuerARN         string
	IssuerAccountID   string
	IssuerUserName    string
	// IdentityProvider is the SAML provider ARN or the web identity provider
	// (webIdFederationData.federatedProvider, or identityProvider).
	IdentityProvider string
	// EC2RoleDelivery is set when sessionContext.ec2RoleDelivery is present:
	// the credentials came from an instance profile.
	EC2RoleDelivery bool
}

// Assumption is what an AssumeRole* or GetFederationToken call created.
type Assumption struct {
	RoleARN       string // requestParameters.roleArn
	SessionName   string // requestParameters.roleSessionName (or name for GetFederationToken)
	AssumedRoleID string // responseElements.assumedRoleUser.assumedRoleId: "AROA...:name"
	AssumedARN    string // responseElements.assumedRoleUser.arn
	AccessKeyID   string // responseElements.credentials.accessKeyId
	// SAML and web identity callers: the provider and subject.
	Provider string
	Subject  string
	// FederatedUserID is responseElements.federatedUser.federatedUserId.
	FederatedUserID string
}

// LaunchedInstance is one item of RunInstances' instancesSet.
type LaunchedInstance struct {
	InstanceID string
	VPC        string
	Subnet     string
	PrivateIPs []string
	PublicIP   string
	ENIs       []string
}

// Action is a flow record's ACCEPT or REJECT.
type Action uint8

const (
	ActionUnknown Action = 0
	ActionAccept  Action = 1
	ActionReject  Action = 2
)

func (a Action) String() string {
	switch a {
	case ActionAccept:
		return "ACCEPT"
	case ActionReject:
		return "REJECT"
	}
	return "-"
}

// LogStatus is a flow record's log-status.
type LogStatus uint8

const (
	StatusOK       LogStatus = 0
	StatusNoData   LogStatus = 1
	StatusSkipData LogStatus = 2
)

// FlowDirection is the v5 flow-direction field.
type FlowDirection uint8

const (
	FlowDirUnknown FlowDirection = 0
	FlowIngress    FlowDirection = 1
	FlowEgress     FlowDirection = 2
)

// FlowRecord is one VPC Flow Logs record. Absent fields ("-" or not in the
// format) are zero values; numeric absent fields are -1 where zero is a
// valid value (ports, protocol, TCP flags).
type FlowRecord struct {
	Version     int
	Account     string
	InterfaceID string
	Src, Dst    netip.Addr
	SrcPort     int32
	DstPort     int32
	Protocol    int16
	Packets     int64
	Bytes       int64
	Start, End  int64 // unix seconds
	Action      Action
	Status      LogStatus
	VPC         string
	Subnet      string
	Instance    string
	TCPFlags    int32
	Direction   FlowDirection
	PktSrc      netip.Addr
	PktDst      netip.Addr
	Region      string
	AZ          string
	Pos         Position
}

// Finding is one GuardDuty finding at one update (ID + UpdatedAt).
type Finding struct {
	ID           string
	Type         string
	Title        string
	Description  string
	Severity     float64
	Account      string
	Region       string
	Partition    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FirstSeen    time.Time // service.eventFirstSeen, zero when absent
	LastSeen     time.Time // service.eventLastSeen, zero when absent
	Count        int64
	Archived     bool
	ResourceType string // Instance, AccessKey, S3Bucket, ...
	ActionType   string // NETWORK_CONNECTION, PORT_PROBE, AWS_API_CALL, DNS_REQUEST, ...
	Involved     []Involvement
	// Assignments are the instance's addresses as the finding describes
	// them; they hold for the finding's window.
	Assignments []Assignment
	Raw         []byte // the finding's JSON as delivered
	Pos         Position
}

// Part is an entity's part in a finding.
type Part string

const (
	PartResource      Part = "resource"   // the affected resource
	PartActor         Part = "actor"      // the principal that acted
	PartAccessKey     Part = "access_key" // the key used
	PartLocalIP       Part = "local_ip"   // the resource's own address
	PartRemoteIP      Part = "remote_ip"  // remote end of a connection, probe or API call
	PartENI           Part = "network_interface"
	PartBucket        Part = "bucket"
	PartAccount       Part = "account"
	PartDomain        Part = "domain"
	PartUserAgent     Part = "user_agent"
	PartAffectedTrail Part = "trail"
)

// Involvement is one entity's part in a finding.
type Involvement struct {
	Entity Entity
	Part   Part
}

// Assignment says an instance's network interface held an address from
// From to To (inclusive hours; To may equal From).
type Assignment struct {
	Instance string
	ENI      string
	Account  string
	VPC      string
	IP       string
	From, To time.Time
}

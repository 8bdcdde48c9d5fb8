package demo

import "time"

// The facts of the scenario, exported so that tests of ingest, store, graph
// and the console assert against them instead of repeating literals. The
// array and time values are variables only because Go has no constant
// arrays or times: treat them as read-only.

// Accounts and the organisation.
const (
	// MemberAccount is where everything under investigation happens.
	MemberAccount = "123456789012"
	// OrgAccount is the organisation's management account; it owns org-trail.
	OrgAccount = "111122223333"
	// OtherAccount assumes DemoRole1 cross-account; the organisation trail
	// logs it too, so both copies of its AssumeRole calls are in the logs.
	OtherAccount = "444455556666"
	// UnloggedAccount assumes DemoRole1 too, but no log holds its side:
	// its caller can only be "unknown (cross-account from 777788889999)".
	UnloggedAccount = "777788889999"
	OrgID           = "o-exampleorg1"
	Region          = "us-east-1"
	// OtherRegion sees a little of alice's activity, so trails deliver
	// for more than one Region.
	OtherRegion = "us-west-2"
)

// Trails. Both log the member account; the account trail stops in the
// incident hour, the organisation trail never does.
const (
	OrgTrailName       = "org-trail"
	OrgTrailBucket     = "org-cloudtrail-logs"
	OrgTrailARN        = "arn:aws:cloudtrail:us-east-1:" + OrgAccount + ":trail/" + OrgTrailName
	AccountTrailName   = "demo-trail-2"
	AccountTrailBucket = "demo-trail-2-logs"
	AccountTrailARN    = "arn:aws:cloudtrail:us-east-1:" + MemberAccount + ":trail/" + AccountTrailName
)

// Roles, users and their sessions. Role ids are 21 characters, access key
// ids 20, as IAM issues them.
const (
	AdminRoleName = "AWSReservedSSO_AdministratorAccess_598c5f73f8b2b4e5"
	AdminRoleARN  = "arn:aws:iam::" + MemberAccount + ":role/aws-reserved/sso.amazonaws.com/" + AdminRoleName
	AdminRoleID   = "AROA3EXAMPLEADMIN0001"

	DemoRoleName = "DemoRole1"
	DemoRoleARN  = "arn:aws:iam::" + MemberAccount + ":role/" + DemoRoleName
	DemoRoleID   = "AROA3EXAMPLEDEMO00001"

	WebServerRoleName = "WebServerRole"
	WebServerRoleARN  = "arn:aws:iam::" + MemberAccount + ":role/" + WebServerRoleName
	WebServerRoleID   = "AROA3EXAMPLEWEBSRV001"

	DeployerRoleName = "Deployer"
	DeployerRoleARN  = "arn:aws:iam::" + OtherAccount + ":role/" + DeployerRoleName
	DeployerRoleID   = "AROA6EXAMPLEDEPLOY001"
	// UnloggedCallerRoleID is the role of UnloggedAccount whose session
	// "audit" assumes DemoRole1; only its principal id reaches the logs.
	UnloggedCallerRoleID = "AROA7EXAMPLEAUDITOR01"

	// SAMLProviderARN is Identity Center's SAML provider in the member account.
	SAMLProviderARN = "arn:aws:iam::" + MemberAccount + ":saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"
	// SaraUser is the Identity Center user name, the session name of her roles.
	SaraUser         = "sara"
	SaraAdminSession = AdminRoleID + ":" + SaraUser
	SaraDemoSession  = DemoRoleID + ":" + SaraUser
	SaraAdminARN     = "arn:aws:sts::" + MemberAccount + ":assumed-role/" + AdminRoleName + "/" + SaraUser
	SaraDemoARN      = "arn:aws:sts::" + MemberAccount + ":assumed-role/" + DemoRoleName + "/" + SaraUser

	AliceARN         = "arn:aws:iam::" + MemberAccount + ":user/alice"
	AliceID          = "AIDA3EXAMPLEALICE0001"
	AliceAccessKey   = "AKIA3EXAMPLEALICE001"
	AliceDemoSession = DemoRoleID + ":alice-maint"

	BobARN       = "arn:aws:iam::" + OtherAccount + ":user/bob"
	BobID        = "AIDA6EXAMPLEBOB000001"
	BobAccessKey = "AKIA6EXAMPLEBOB00001"
	// DeployerSession is bob's session of Deployer in OtherAccount;
	// DeployDemoSession is what it chains into in the member account.
	DeployerSession   = DeployerRoleID + ":deploy"
	DeployDemoSession = DemoRoleID + ":deploy"
	AuditDemoSession  = DemoRoleID + ":audit"

	OrgAdminARN       = "arn:aws:iam::" + OrgAccount + ":user/org-admin"
	OrgAdminID        = "AIDA1EXAMPLEORGADMIN1"
	OrgAdminAccessKey = "AKIA1EXAMPLEORGADM01"

	// WebServerSession is the instance profile session of Instance;
	// AppDemoSession that of AppInstance, whose profile holds DemoRole1.
	WebServerSession = WebServerRoleID + ":" + Instance
	AppDemoSession   = DemoRoleID + ":" + AppInstance
	WebAssetsBucket  = "demo-web-assets"
)

// The incident's temporary keys and key events, fixed so tests can name them.
const (
	// IncidentAdminKey is the key of sara's admin session that stopped logging.
	IncidentAdminKey = "ASIA3EXAMPLESARA1014"
	// IncidentDemoKey is the key of the DemoRole1 session she chained into.
	IncidentDemoKey        = "ASIA3EXAMPLEDEMO1014"
	StopLoggingEventID     = "5f0c2a8e-0d4b-4c5e-9a71-3b2d8e5f1014"
	IncidentAssumeEventID  = "7a3e91c4-6b2f-4d8a-b5c0-e1f2a3b41014"
	IncidentRunInstancesID = "0c9d8e7f-1a2b-4c3d-8e5f-6a7b8c9d1014"
	// The DemoRole1 session's AttachRolePolicy calls: denied, then allowed.
	IncidentAttachFailures  = 2
	IncidentAttachSuccesses = 1
)

// Where the people call from and with what. sara's console agent is her
// usual one, the incident included; her browser signs her in.
const (
	SaraConsoleUserAgent = "aws-internal/3 aws-sdk-java/1.12.770 Linux/5.10.225-213.878.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.422-b05 java/1.8.0_422 vendor/Oracle_Corporation cfg/retry-mode/standard"
	SaraCLIUserAgent     = "aws-cli/2.17.45 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off"
	SaraBrowserUserAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36"
	// SaraIncidentIP is SaraBellevueIPs[0].
	SaraIncidentIP   = "192.0.2.10"
	AliceIP          = "192.0.2.130"
	AliceIPv6        = "2001:db8:a11c::10"
	BobIP            = "192.0.2.170"
	OrgAdminIP       = "192.0.2.45"
	UnloggedCallerIP = "203.0.113.240"
)

// SaraBellevueIPs and SaraAshburnIPs are where sara always works from:
// the incident comes from a known place.
var (
	SaraBellevueIPs = [2]string{SaraIncidentIP, "192.0.2.11"}
	SaraAshburnIPs  = [2]string{"192.0.2.70", "192.0.2.71"}
)

// Network of the member account.
const (
	VPC    = "vpc-0demo0000000000a"
	Subnet = "subnet-0demo000000000001"
	AZ     = "us-east-1a"
	AZID   = "use1-az1"

	// Instance is the web server of the VPC walkthrough.
	Instance     = "i-9999999999999999"
	InstanceENI  = "eni-0demo0000000009a"
	InstanceIP   = "172.16.0.7"
	InstanceIPv6 = "2001:db8:16::7"
	FlowLogID    = "fl-0demo00000000001"

	// AppInstance is a quieter app server whose ENI has a v2 flow log.
	AppInstance    = "i-0aaaabbbbcccc0001"
	AppInstanceENI = "eni-0demo00000000050"
	AppInstanceIP  = "172.16.0.50"
	AppFlowLogID   = "fl-0demo00000000002"

	// NewInstance is what sara's DemoRole1 session launched in the incident.
	NewInstance    = "i-0badc0ffee0000001"
	NewInstanceENI = "eni-0badc0ffee0000099"
	NewInstanceIP  = "172.16.0.99"

	FlowLogBucket = "vpc-flow-logs"
	// ResolverIP is a DNS forwarder in the VPC. Not the Amazon resolver at
	// VPC+2: flow logs never record traffic to that one.
	ResolverIP = "172.16.0.53"
	// UpdateServerIP is a package mirror Instance fetches from;
	// SSMEndpointIP the endpoint AppInstance's agent reports to.
	UpdateServerIP = "198.51.100.100"
	SSMEndpointIP  = "198.51.100.101"

	TorPort         = 9001
	PortUnusualIP   = "203.0.113.150"
	PortUnusualPort = 6667
	PortProbeIP     = "198.51.100.140"

	// Port22BigPeer received the largest outbound transfer of the window:
	// Port22BigBytes sent by InstanceIP to it on port 22, summed over records.
	Port22BigPeer  = "172.16.0.21"
	Port22BigBytes = 218_000_000
)

// Remote addresses of the VPC scenario.
var (
	// TorRemoteIPs are the Tor entry nodes, one per update of TorFindingID.
	TorRemoteIPs = [3]string{"198.51.100.201", "198.51.100.202", "203.0.113.201"}
	// SpikeIPs sent the two large inbound spikes on 443; no finding names them.
	SpikeIPs = [2]string{"192.0.2.200", "192.0.2.201"}
	// SpikeBytes is what each of SpikeIPs sent to InstanceIP.
	SpikeBytes = [2]int64{420_000_000, 310_000_000}
	// SSHBruteIPs attacked InstanceIP on 22, one per SSHBruteFindingIDs.
	SSHBruteIPs = [2]string{"198.51.100.254", "203.0.113.83"}
	// Port22Peers are internal hosts, on ENIs without a flow log, that
	// InstanceIP sent large outbound transfers to on port 22; the first is
	// Port22BigPeer.
	Port22Peers = [3]string{Port22BigPeer, "172.16.1.15", "172.16.2.30"}
	// Port22PeerBytes is the outbound total to each of Port22Peers.
	Port22PeerBytes = [3]int64{Port22BigBytes, 41_500_000, 27_300_000}
)

// GuardDuty.
const (
	DetectorID           = "12abc34d567e8fa901bc2d34e56789f0"
	TrailFindingID       = "7ac5d1f2e3b44c6d8e9f0a1b2c3d1014"
	TorFindingID         = "3ec5d1f2e3b44c6d8e9f0a1b2c3d2005"
	PortUnusualFindingID = "51c5d1f2e3b44c6d8e9f0a1b2c3d2031"
	// PortProbeFindingID is a month-old finding on Instance, so its
	// profile has history beyond the incident.
	PortProbeFindingID = "8cc5d1f2e3b44c6d8e9f0a1b2c3d0909"

	TrailFindingType       = "Stealth:IAMUser/CloudTrailLoggingDisabled"
	TorFindingType         = "UnauthorizedAccess:EC2/TorClient"
	PortUnusualFindingType = "Behavior:EC2/NetworkPortUnusual"
	SSHBruteFindingType    = "UnauthorizedAccess:EC2/SSHBruteForce"
	PortProbeFindingType   = "Recon:EC2/PortProbeUnprotectedPort"
)

// SSHBruteFindingIDs are the two brute-force findings against InstanceIP,
// from SSHBruteIPs[0] and SSHBruteIPs[1].
var SSHBruteFindingIDs = [2]string{"5ab5d1f2e3b44c6d8e9f0a1b2c3d2015", "5ab5d1f2e3b44c6d8e9f0a1b2c3d2310"}

// Times, all UTC.
var (
	// HistoryStart and HistoryEnd bound every record: [start, end).
	HistoryStart = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	HistoryEnd   = time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC)
	// LaunchTime is when alice launched Instance and AppInstance; their
	// flow logs and instance profile sessions start then.
	LaunchTime = time.Date(2026, 8, 2, 18, 30, 12, 0, time.UTC)

	// IncidentHour is the scope of TrailFindingID: [IncidentHour, +1h).
	IncidentHour    = time.Date(2026, 10, 14, 17, 0, 0, 0, time.UTC)
	SaraSAMLTime    = time.Date(2026, 10, 14, 17, 2, 11, 0, time.UTC)
	StopLoggingTime = time.Date(2026, 10, 14, 17, 5, 23, 0, time.UTC)
	ChainTime       = time.Date(2026, 10, 14, 17, 8, 40, 0, time.UTC)

	// VPCWindowStart and VPCWindowEnd are the scope of TorFindingID.
	VPCWindowStart = time.Date(2026, 10, 14, 20, 0, 0, 0, time.UTC)
	VPCWindowEnd   = time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	TorFirstSeen   = time.Date(2026, 10, 14, 20, 5, 0, 0, time.UTC)
	TorLastSeen    = time.Date(2026, 10, 15, 1, 40, 0, 0, time.UTC)
)

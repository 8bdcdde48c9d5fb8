package demo

import (
	"time"
)

// finding is a GuardDuty finding in the camelCase JSON of GetFindings,
// EventBridge's detail and the S3 export. One value is one update.
type finding struct {
	SchemaVersion string     `json:"schemaVersion"`
	AccountID     string     `json:"accountId"`
	Region        string     `json:"region"`
	Partition     string     `json:"partition"`
	ID            string     `json:"id"`
	ARN           string     `json:"arn"`
	Type          string     `json:"type"`
	Resource      gdResource `json:"resource"`
	Service       gdService  `json:"service"`
	Severity      float64    `json:"severity"`
	CreatedAt     string     `json:"createdAt"`
	UpdatedAt     string     `json:"updatedAt"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`

	updated time.Time
}

type gdResource struct {
	ResourceType     string            `json:"resourceType"`
	AccessKeyDetails *accessKeyDetails `json:"accessKeyDetails,omitempty"`
	InstanceDetails  *instanceDetails  `json:"instanceDetails,omitempty"`
}

type accessKeyDetails struct {
	AccessKeyID string `json:"accessKeyId"`
	PrincipalID string `json:"principalId"`
	UserName    string `json:"userName"`
	UserType    string `json:"userType"`
}

type instanceDetails struct {
	AvailabilityZone   string              `json:"availabilityZone"`
	IamInstanceProfile map[string]string   `json:"iamInstanceProfile"`
	ImageDescription   string              `json:"imageDescription"`
	ImageID            string              `json:"imageId"`
	InstanceID         string              `json:"instanceId"`
	InstanceState      string              `json:"instanceState"`
	InstanceType       string              `json:"instanceType"`
	LaunchTime         string              `json:"launchTime"`
	NetworkInterfaces  []networkInterface  `json:"networkInterfaces"`
	Platform           *string             `json:"platform"`
	ProductCodes       []any               `json:"productCodes"`
	Tags               []map[string]string `json:"tags"`
}

type networkInterface struct {
	IPv6Addresses      []string         `json:"ipv6Addresses"`
	NetworkInterfaceID string           `json:"networkInterfaceId"`
	PrivateDNSName     string           `json:"privateDnsName"`
	PrivateIPAddress   string           `json:"privateIpAddress"`
	PrivateIPAddresses []privateAddress `json:"privateIpAddresses"`
	SecurityGroups     []securityGroup  `json:"securityGroups"`
	SubnetID           string           `json:"subnetId"`
	VpcID              string           `json:"vpcId"`
}

type privateAddress struct {
	PrivateDNSName   string `json:"privateDnsName"`
	PrivateIPAddress string `json:"privateIpAddress"`
}

type securityGroup struct {
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
}

type gdService struct {
	ServiceName    string         `json:"serviceName"`
	DetectorID     string         `json:"detectorId"`
	Action         gdAction       `json:"action"`
	ResourceRole   string         `json:"resourceRole"`
	AdditionalInfo map[string]any `json:"additionalInfo"`
	EventFirstSeen string         `json:"eventFirstSeen"`
	EventLastSeen  string         `json:"eventLastSeen"`
	Archived       bool           `json:"archived"`
	Count          int            `json:"count"`
}

type gdAction struct {
	ActionType              string                   `json:"actionType"`
	AWSAPICallAction        *awsAPICallAction        `json:"awsApiCallAction,omitempty"`
	NetworkConnectionAction *networkConnectionAction `json:"networkConnectionAction,omitempty"`
	PortProbeAction         *portProbeAction         `json:"portProbeAction,omitempty"`
}

type awsAPICallAction struct {
	API               string            `json:"api"`
	ServiceName       string            `json:"serviceName"`
	CallerType        string            `json:"callerType"`
	RemoteIPDetails   *remoteIPDetails  `json:"remoteIpDetails"`
	AffectedResources map[string]string `json:"affectedResources"`
}

type networkConnectionAction struct {
	ConnectionDirection string          `json:"connectionDirection"`
	RemoteIPDetails     remoteIPDetails `json:"remoteIpDetails"`
	RemotePortDetails   portDetails     `json:"remotePortDetails"`
	LocalPortDetails    portDetails     `json:"localPortDetails"`
	LocalIPDetails      localIPDetails  `json:"localIpDetails"`
	Protocol            string          `json:"protocol"`
	Blocked             bool            `json:"blocked"`
}

type portProbeAction struct {
	Blocked          bool               `json:"blocked"`
	PortProbeDetails []portProbeDetails `json:"portProbeDetails"`
}

type portProbeDetails struct {
	LocalPortDetails portDetails     `json:"localPortDetails"`
	LocalIPDetails   localIPDetails  `json:"localIpDetails"`
	RemoteIPDetails  remoteIPDetails `json:"remoteIpDetails"`
}

type remoteIPDetails struct {
	IPAddressV4  string       `json:"ipAddressV4"`
	Organization organization `json:"organization"`
	Country      country      `json:"country"`
	City         city         `json:"city"`
	GeoLocation  geoLocation  `json:"geoLocation"`
}

type organization struct {
	ASN    string `json:"asn"`
	ASNOrg string `json:"asnOrg"`
	ISP    string `json:"isp"`
	Org    string `json:"org"`
}

type country struct {
	CountryName string `json:"countryName"`
}

type city struct {
	CityName string `json:"cityName"`
}

type geoLocation struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type portDetails struct {
	Port     int    `json:"port"`
	PortName string `json:"portName"`
}

type localIPDetails struct {
	IPAddressV4 string `json:"ipAddressV4"`
}

// gdTime is GuardDuty's time format.
func gdTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

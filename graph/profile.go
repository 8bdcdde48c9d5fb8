package graph

import "time"

// The types below are the profile API: what `gumshoe query` prints as JSON
// and what the console draws. One definition serves both, so their field
// names are a stable contract.

// Ref names an entity so that a reader can open its profile.
type Ref struct {
	Kind    string `json:"kind"`
	Key     string `json:"key"`
	Account string `json:"account,omitempty"`
	// Note qualifies the reference, as in "unknown (cross-account from N)".
	Note string `json:"note,omitempty"`
}

// RefOf makes a Ref from an Entity.
func RefOf(e Entity) Ref { return Ref{Kind: e.Kind.String(), Key: e.Key, Account: e.Account} }

// Fact is one line of a details panel. Ref is set when the value names an
// entity that can be opened.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Ref   *Ref   `json:"ref,omitempty"`
}

// Details is the details panel of any profile.
type Details struct {
	Ref       Ref       `json:"entity"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Facts     []Fact    `json:"facts"`
}

// FindingRow is one finding in a list.
type FindingRow struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Severity  float64   `json:"severity"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Resource  string    `json:"resource"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Archived  bool      `json:"archived"`
	// Part is the entity's part in the finding, where the list is about
	// one entity.
	Part string `json:"part,omitempty"`
	// UpdatedAt and Updates say how current the finding is, in the
	// findings list.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	Updates   int       `json:"updates,omitempty"`
}

// SeverityLabel is GuardDuty's name for a severity value.
func SeverityLabel(s float64) string {
	switch {
	case s >= 9:
		return "critical"
	case s >= 7:
		return "high"
	case s >= 4:
		return "medium"
	}
	return "low"
}

// Involved is one entity's part in a finding.
type Involved struct {
	Ref  Ref    `json:"entity"`
	Part string `json:"part"`
}

// VolumePoint is one interval of a volume chart.
type VolumePoint struct {
	Start time.Time `json:"start"`
	// For API calls: Success and Failure. For flows: In and Out bytes.
	A       int64 `json:"a"`
	B       int64 `json:"b"`
	InScope bool  `json:"in_scope,omitempty"`
}

// Volume is a chart of activity around the scope with its baseline.
type Volume struct {
	// Series names what A and B count: "success"/"failure" or "in"/"out" (bytes).
	SeriesA  string        `json:"series_a"`
	SeriesB  string        `json:"series_b"`
	Interval string        `json:"interval"` // "hour" or "day"
	Points   []VolumePoint `json:"points"`
	// BaselineA and BaselineB are the averages per interval over the
	// baseline window (the 45 days before the scope).
	BaselineA float64 `json:"baseline_a"`
	BaselineB float64 `json:"baseline_b"`
	Scope     Scope   `json:"scope"`
}

// CallRow is one row of "details for scope time" of API calls. Which of
// its labelling fields are set depends on the grouping.
type CallRow struct {
	IP        string `json:"ip,omitempty"`
	Service   string `json:"service,omitempty"`
	API       string `json:"api,omitempty"`
	AccessKey string `json:"access_key,omitempty"`
	Caller    *Ref   `json:"caller,omitempty"`
	Success   int64  `json:"success"`
	Failure   int64  `json:"failure"`
}

// CallDetails is the expanded API volume panel for the scope.
type CallDetails struct {
	GroupBy string    `json:"group_by"` // ip, api, key, caller
	Rows    []CallRow `json:"rows"`
	Total   int       `json:"total"` // rows before filtering
}

// NewItem is one newly observed thing in the scope.
type NewItem struct {
	Value string `json:"value"`
	// Detail adds context: the place of a geolocation, the volume change
	// of an API call.
	Detail string `json:"detail,omitempty"`
	// NewForAccount is set when the whole account never saw it before either.
	NewForAccount bool      `json:"new_for_account"`
	FirstSeen     time.Time `json:"first_seen"`
	Calls         int64     `json:"calls,omitempty"`
	// Lat and Lon place a geolocation on the map.
	Lat float64 `json:"lat,omitempty"`
	Lon float64 `json:"lon,omitempty"`
}

// NewBehavior compares the scope with the baseline.
type NewBehavior struct {
	// Training is set while the graph holds less than 14 days of the
	// account's data before the scope: nothing is called new then.
	Training bool `json:"training"`
	// NewEntity is set when the entity itself was first seen in the scope
	// in a mature graph: that is the news.
	NewEntity      bool      `json:"new_entity"`
	AccountSince   time.Time `json:"account_data_since"`
	Geolocations   []NewItem `json:"geolocations"`
	KnownLocations []NewItem `json:"known_geolocations"`
	APICalls       []NewItem `json:"api_calls"`
	IncreasedCalls []NewItem `json:"api_calls_increased"`
	ASOs           []NewItem `json:"asos"`
	UserAgents     []NewItem `json:"user_agents"`
	GeoAvailable   bool      `json:"geo_available"`
}

// EdgeRow is one related entity with when the relation was seen.
type EdgeRow struct {
	Ref       Ref       `json:"entity"`
	Via       *Ref      `json:"via,omitempty"` // e.g. the role of an assumed session
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int64     `json:"count"`
}

// SessionRow is one role session involved in the scope.
type SessionRow struct {
	Session   Ref       `json:"session"`
	Role      Ref       `json:"role"`
	StartedBy []Ref     `json:"started_by"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Interaction is the resource interaction tab of roles, users and sessions.
type Interaction struct {
	AssumedBy    []EdgeRow    `json:"assumed_by"`    // resources that assumed this role
	AssumedRoles []EdgeRow    `json:"assumed_roles"` // roles assumed from it (chaining)
	Sessions     []SessionRow `json:"sessions"`      // sessions involved in the scope
	// Chain runs from the entity back to the human or service at its root.
	Chain []Ref `json:"chain,omitempty"`
}

// FlowRow is one row of VPC flow details.
type FlowRow struct {
	Instance    string `json:"instance,omitempty"`
	ENI         string `json:"eni"`
	LocalIP     string `json:"local_ip"`
	LocalPort   string `json:"local_port"` // "*" for a client's ephemeral port
	RemoteIP    string `json:"remote_ip"`
	RemotePort  string `json:"remote_port"`
	Protocol    string `json:"protocol"`
	Direction   string `json:"direction"`
	BytesIn     int64  `json:"bytes_in"`
	BytesOut    int64  `json:"bytes_out"`
	Accepted    int64  `json:"accepted_records"`
	Rejected    int64  `json:"rejected_records"`
	FromFinding bool   `json:"from_finding"`
}

// FlowDetails is the expanded VPC flow panel for the scope.
type FlowDetails struct {
	Rows  []FlowRow `json:"rows"`
	Total int       `json:"total"`
}

// Holder is an instance that held an address.
type Holder struct {
	Instance Ref       `json:"instance"`
	ENI      string    `json:"eni,omitempty"`
	Account  string    `json:"account"`
	VPC      string    `json:"vpc"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
}

// Delivery is one log delivery's coverage of an account and Region.
type Delivery struct {
	Name    string    `json:"name"` // trail name where known, else the S3 prefix
	Kind    string    `json:"kind"` // cloudtrail or flowlog
	Account string    `json:"account"`
	Region  string    `json:"region"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
	Records int64     `json:"records"`
	// Hours with records in the scope, and the scope's hours.
	HoursCovered int `json:"hours_covered"`
}

// TrailChange is a StopLogging, StartLogging, DeleteTrail, UpdateTrail or
// CreateTrail call.
type TrailChange struct {
	Time      time.Time `json:"time"`
	API       string    `json:"api"`
	Trail     string    `json:"trail"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Principal *Ref      `json:"principal,omitempty"`
	Failed    bool      `json:"failed"`
}

// Coverage says what logging covered the scope.
type Coverage struct {
	Deliveries []Delivery    `json:"deliveries"`
	Changes    []TrailChange `json:"trail_changes"`
	// Warnings are gaps a responder must know of: a trail stopped, a
	// delivery that ended or is missing hours in the scope.
	Warnings []string `json:"warnings"`
	// AccountsSeen, when set, is how many accounts an address or agent
	// was seen in: more than the deliveries report (the busiest ones).
	AccountsSeen int `json:"accounts_seen,omitempty"`
}

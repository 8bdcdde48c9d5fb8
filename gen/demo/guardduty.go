package demo

import (
	"slices"
	"strconv"
	"time"
)

// remoteIP is GuardDuty's description of a public address, from Places.
func remoteIP(ip string) remoteIPDetails {
	pl, _ := placeOf(ip)
	return remoteIPDetails{
		IPAddressV4: ip,
		Organization: organization{
			ASN: strconv.FormatUint(uint64(pl.ASN), 10), ASNOrg: pl.ASO, ISP: pl.ASO, Org: pl.ASO,
		},
		Country:     country{pl.Country},
		City:        city{pl.City},
		GeoLocation: geoLocation{pl.Lat, pl.Lon},
	}
}

// webInstanceDetails describes Instance as GuardDuty does: with its ENI,
// address, VPC and subnet, which tie the finding to 172.16.0.7.
func webInstanceDetails() *instanceDetails {
	return &instanceDetails{
		AvailabilityZone: AZ,
		IamInstanceProfile: map[string]string{
			"arn": "arn:aws:iam::" + MemberAccount + ":instance-profile/" + webInstance.profileName,
			"id":  webInstance.profileID,
		},
		ImageDescription: "Amazon Linux 2023 AMI",
		ImageID:          demoImage,
		InstanceID:       Instance,
		InstanceState:    "running",
		InstanceType:     webInstance.instanceType,
		LaunchTime:       gdTime(LaunchTime),
		NetworkInterfaces: []networkInterface{{
			IPv6Addresses:      []string{InstanceIPv6},
			NetworkInterfaceID: InstanceENI,
			PrivateDNSName:     dnsName(InstanceIP),
			PrivateIPAddress:   InstanceIP,
			PrivateIPAddresses: []privateAddress{{dnsName(InstanceIP), InstanceIP}},
			SecurityGroups:     []securityGroup{{webInstance.group, webInstance.groupName}},
			SubnetID:           Subnet,
			VpcID:              VPC,
		}},
		ProductCodes: []any{},
		Tags:         []map[string]string{{"key": "Name", "value": "demo-web"}},
	}
}

func newFinding(id, typ string, severity float64, created time.Time) finding {
	return finding{
		SchemaVersion: "2.0", AccountID: MemberAccount, Region: Region, Partition: "aws",
		ID: id, ARN: "arn:aws:guardduty:" + Region + ":" + MemberAccount + ":detector/" + DetectorID + "/finding/" + id,
		Type: typ, Severity: severity, CreatedAt: gdTime(created),
		Service: gdService{
			ServiceName: "guardduty", DetectorID: DetectorID,
			AdditionalInfo: map[string]any{"value": "{}", "type": "default"},
		},
	}
}

// update returns f as updated at t, seen last at lastSeen count times.
func (f finding) update(t, firstSeen, lastSeen time.Time, count int) finding {
	f.UpdatedAt, f.updated = gdTime(t), t
	f.Service.EventFirstSeen, f.Service.EventLastSeen, f.Service.Count = gdTime(firstSeen), gdTime(lastSeen), count
	return f
}

// findings returns every update of every finding, in the order GuardDuty
// would have exported them.
func findings() []finding {
	var out []finding
	out = append(out, trailFinding())
	cs := windowConns()
	out = append(out, torFinding(cs)...)
	out = append(out, portUnusualFinding(cs)...)
	out = append(out, bruteForceFinding(cs, 0, utc(10, 14, 20, 25, 44), utc(10, 14, 21, 40, 12))...)
	out = append(out, bruteForceFinding(cs, 1, utc(10, 14, 23, 20, 31), utc(10, 15, 0, 50, 2))...)
	out = append(out, portProbeFinding()...)
	slices.SortStableFunc(out, func(a, b finding) int { return a.updated.Compare(b.updated) })
	return out
}

// trailFinding is the role-session walkthrough's finding: one API call,
// so its scope is the incident hour.
func trailFinding() finding {
	created := utc(10, 14, 17, 10, 30).Add(812 * time.Millisecond)
	f := newFinding(TrailFindingID, TrailFindingType, 2, created)
	f.Resource = gdResource{ResourceType: "AccessKey", AccessKeyDetails: &accessKeyDetails{
		AccessKeyID: IncidentAdminKey, PrincipalID: SaraAdminSession, UserName: AdminRoleName, UserType: "AssumedRole",
	}}
	bellevue := remoteIP(SaraIncidentIP)
	f.Service.Action = gdAction{ActionType: "AWS_API_CALL", AWSAPICallAction: &awsAPICallAction{
		API: "StopLogging", ServiceName: "cloudtrail.amazonaws.com", CallerType: "Remote IP",
		RemoteIPDetails:   &bellevue,
		AffectedResources: map[string]string{"AWS::CloudTrail::Trail": AccountTrailName},
	}}
	f.Service.ResourceRole = "TARGET"
	f.Title = "AWS CloudTrail trail " + AccountTrailName + " was disabled."
	f.Description = "Principal " + AdminRoleName + " called StopLogging on the AWS CloudTrail trail " + AccountTrailName +
		". Turning logging off is a common way to hide what follows."
	return f.update(created, StopLoggingTime, StopLoggingTime, 1)
}

// connTo finds the window connection with the remote address ip.
func connTo(cs []conn, ip string) conn {
	for _, c := range cs {
		if c.server == ip || c.client == ip {
			return c
		}
	}
	panic("demo: no connection with " + ip)
}

func instanceFinding(id, typ string, severity float64, created time.Time, role string) finding {
	f := newFinding(id, typ, severity, created)
	f.Resource = gdResource{ResourceType: "Instance", InstanceDetails: webInstanceDetails()}
	f.Service.ResourceRole = role
	return f
}

func outbound(c conn) *networkConnectionAction {
	return &networkConnectionAction{
		ConnectionDirection: "OUTBOUND", RemoteIPDetails: remoteIP(c.server),
		RemotePortDetails: portDetails{c.sport, "Unknown"}, LocalPortDetails: portDetails{c.cport, "Unknown"},
		LocalIPDetails: localIPDetails{InstanceIP}, Protocol: "TCP",
	}
}

// torFinding has three updates, each naming another entry node: the
// finding's remote addresses are the union over its updates.
func torFinding(cs []conn) []finding {
	f := instanceFinding(TorFindingID, TorFindingType, 8, utc(10, 14, 20, 10, 41).Add(104*time.Millisecond), "ACTOR")
	f.Title = "EC2 instance " + Instance + " is communicating with Tor Entry node."
	updates := []struct {
		at, last time.Time
		count    int
	}{
		{utc(10, 14, 20, 10, 41).Add(104 * time.Millisecond), utc(10, 14, 20, 9, 55), 1},
		{utc(10, 14, 22, 15, 3).Add(550 * time.Millisecond), utc(10, 14, 22, 11, 40), 4},
		{utc(10, 15, 1, 50, 27).Add(201 * time.Millisecond), TorLastSeen, 9},
	}
	var out []finding
	for i, u := range updates {
		g := f
		g.Service.Action = gdAction{ActionType: "NETWORK_CONNECTION", NetworkConnectionAction: outbound(connTo(cs, TorRemoteIPs[i]))}
		g.Description = "EC2 instance " + Instance + " connected to " + TorRemoteIPs[i] +
			", a known Tor entry node. Tor can hide who is really using the instance."
		out = append(out, g.update(u.at, TorFirstSeen, u.last, u.count))
	}
	return out
}

func portUnusualFinding(cs []conn) []finding {
	c := connTo(cs, PortUnusualIP)
	f := instanceFinding(PortUnusualFindingID, PortUnusualFindingType, 5, utc(10, 14, 20, 45, 10), "ACTOR")
	f.Service.Action = gdAction{ActionType: "NETWORK_CONNECTION", NetworkConnectionAction: outbound(c)}
	f.Title = "Unusual outbound communication seen from EC2 instance " + Instance + " on server port " + strconv.Itoa(PortUnusualPort) + "."
	f.Description = "EC2 instance " + Instance + " talked to " + PortUnusualIP + " on port " + strconv.Itoa(PortUnusualPort) +
		", a port it has not used before."
	return []finding{
		f.update(utc(10, 14, 20, 45, 10), c.start, utc(10, 14, 20, 44, 0), 1),
		f.update(utc(10, 14, 21, 30, 5), c.start, c.end, 2),
	}
}

// bruteForceFinding is SSHBruteFindingIDs[i]: Instance as the target of
// SSHBruteIPs[i], counting the attempts seen up to each update.
func bruteForceFinding(cs []conn, i int, created, updated time.Time) []finding {
	ip := SSHBruteIPs[i]
	var attempts []conn
	for _, c := range cs {
		if c.client == ip {
			attempts = append(attempts, c)
		}
	}
	f := instanceFinding(SSHBruteFindingIDs[i], SSHBruteFindingType, 2, created, "TARGET")
	f.Service.Action = gdAction{ActionType: "NETWORK_CONNECTION", NetworkConnectionAction: &networkConnectionAction{
		ConnectionDirection: "INBOUND", RemoteIPDetails: remoteIP(ip),
		RemotePortDetails: portDetails{attempts[0].cport, "Unknown"}, LocalPortDetails: portDetails{22, "SSH"},
		LocalIPDetails: localIPDetails{InstanceIP}, Protocol: "TCP",
	}}
	f.Title = ip + " is performing SSH brute force attacks against " + Instance + "."
	f.Description = ip + " is trying passwords over SSH on " + Instance + ". Brute force attacks seek a way in by guessing."
	var out []finding
	for _, at := range []time.Time{created, updated} {
		n, last := 0, attempts[0].start
		for _, c := range attempts {
			if c.start.Before(at.Add(-5 * time.Minute)) {
				n, last = n+1, c.start
			}
		}
		out = append(out, f.update(at, attempts[0].start, last, n))
	}
	return out
}

// portProbeFinding is a routine low-severity finding of September, so the
// instance has findings before the incident.
func portProbeFinding() []finding {
	cs := probeConns()
	f := instanceFinding(PortProbeFindingID, PortProbeFindingType, 2, utc(9, 9, 11, 25, 30), "TARGET")
	f.Service.Action = gdAction{ActionType: "PORT_PROBE", PortProbeAction: &portProbeAction{
		PortProbeDetails: []portProbeDetails{{
			LocalPortDetails: portDetails{443, "HTTPS"}, LocalIPDetails: localIPDetails{InstanceIP},
			RemoteIPDetails: remoteIP(PortProbeIP),
		}},
	}}
	f.Title = "Unprotected port on EC2 instance " + Instance + " is being probed."
	f.Description = "Port 443 of EC2 instance " + Instance + " is open to the internet and " + PortProbeIP + " is probing it."
	return []finding{
		f.update(utc(9, 9, 11, 25, 30), cs[0].start, cs[4].start, 5),
		f.update(utc(9, 10, 3, 45, 19), cs[0].start, cs[7].start, 8),
	}
}

package demo

import (
	"math/rand/v2"
	"strings"
	"time"
)

// instanceSpec is an instance as RunInstances reports it. CloudTrail's
// RunInstances response is how the graph learns which instance held which
// ENI and address before any flow log names them.
type instanceSpec struct {
	id, eni, ip, ipv6 string
	instanceType      string
	profileName       string // instance profile, "" for none
	profileID         string
	group, groupName  string
}

var (
	webInstance = instanceSpec{
		id: Instance, eni: InstanceENI, ip: InstanceIP, ipv6: InstanceIPv6, instanceType: "t3.large",
		profileName: "WebServerRole", profileID: "AIPA3EXAMPLEWEBSRV001",
		group: "sg-0de00000000000a1b", groupName: "web-server",
	}
	appInstance = instanceSpec{
		id: AppInstance, eni: AppInstanceENI, ip: AppInstanceIP, instanceType: "t3.medium",
		profileName: "app-server", profileID: "AIPA3EXAMPLEAPPSRV001",
		group: "sg-0de00000000000a2c", groupName: "app-server",
	}
	newInstance = instanceSpec{
		id: NewInstance, eni: NewInstanceENI, ip: NewInstanceIP, instanceType: "t3.micro",
		group: "sg-0de00000000000d3f", groupName: "default",
	}
)

const demoImage = "ami-0de0000000000a1b2"

func dnsName(ip string) string { return "ip-" + strings.ReplaceAll(ip, ".", "-") + ".ec2.internal" }

// runInstances records p launching spec at t.
func (l *trailLog) runInstances(r *rand.Rand, p principal, t time.Time, spec instanceSpec) *event {
	req := params{
		"instancesSet":          params{"items": []params{{"imageId": demoImage, "minCount": 1, "maxCount": 1}}},
		"instanceType":          spec.instanceType,
		"blockDeviceMapping":    params{},
		"monitoring":            params{"enabled": false},
		"disableApiTermination": false,
		"disableApiStop":        false,
		"clientToken":           uuid(r),
		"networkInterfaceSet": params{"items": []params{{
			"deviceIndex": 0, "subnetId": Subnet, "groupSet": params{"items": []params{{"groupId": spec.group}}},
		}}},
	}
	if spec.profileName != "" {
		req["iamInstanceProfile"] = params{"name": spec.profileName}
	}
	groups := params{"items": []params{{"groupId": spec.group, "groupName": spec.groupName}}}
	ipv6 := params{}
	if spec.ipv6 != "" {
		ipv6 = params{"items": []params{{"ipv6Address": spec.ipv6}}}
	}
	eni := params{
		"networkInterfaceId": spec.eni, "subnetId": Subnet, "vpcId": VPC, "ownerId": MemberAccount,
		"status": "in-use", "macAddress": "0e:" + pick(r, hexDigits, 2) + ":" + pick(r, hexDigits, 2) + ":" + pick(r, hexDigits, 2) + ":" + pick(r, hexDigits, 2) + ":" + pick(r, hexDigits, 2),
		"privateIpAddress": spec.ip, "privateDnsName": dnsName(spec.ip), "sourceDestCheck": true,
		"interfaceType": "interface", "groupSet": groups, "ipv6AddressesSet": ipv6,
		"attachment": params{
			"attachmentId": "eni-attach-0" + pick(r, hexDigits, 16), "deviceIndex": 0, "networkCardIndex": 0,
			"status": "attaching", "attachTime": t.UnixMilli(), "deleteOnTermination": true,
		},
		"privateIpAddressesSet": params{"item": []params{{
			"privateIpAddress": spec.ip, "privateDnsName": dnsName(spec.ip), "primary": true,
		}}},
		"tagSet": params{},
	}
	item := params{
		"instanceId": spec.id, "imageId": demoImage,
		"currentInstanceBootMode": "uefi", "instanceState": params{"code": 0, "name": "pending"},
		"privateDnsName": dnsName(spec.ip), "amiLaunchIndex": 0, "productCodes": params{},
		"instanceType": spec.instanceType, "launchTime": t.UnixMilli(),
		"placement":  params{"availabilityZone": AZ, "tenancy": "default"},
		"monitoring": params{"state": "disabled"}, "subnetId": Subnet, "vpcId": VPC,
		"privateIpAddress": spec.ip, "stateReason": params{"code": "pending", "message": "pending"},
		"architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
		"blockDeviceMapping": params{}, "virtualizationType": "hvm", "hypervisor": "xen",
		"groupSet": groups, "sourceDestCheck": true, "networkInterfaceSet": params{"items": []params{eni}},
		"ebsOptimized": false, "enaSupport": true,
	}
	if spec.profileName != "" {
		item["iamInstanceProfile"] = params{
			"arn": "arn:aws:iam::" + MemberAccount + ":instance-profile/" + spec.profileName, "id": spec.profileID,
		}
	}
	e := l.call(r, p, t, Region, "ec2.amazonaws.com", "RunInstances", req)
	e.ResponseElements = params{
		"requestId": e.RequestID, "reservationId": "r-0" + pick(r, hexDigits, 16), "ownerId": MemberAccount,
		"groupSet": params{}, "instancesSet": params{"items": []params{item}},
	}
	return e
}

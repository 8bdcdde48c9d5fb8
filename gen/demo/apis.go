package demo

import (
	"math/rand/v2"
	"strings"
)

// api is a call an actor makes routinely, with how often relative to the
// actor's other calls.
type api struct {
	source, name string
	weight       int
	req          func(r *rand.Rand) any
}

// action is the IAM action of a call, as AccessDenied messages name it.
func (a api) action() string {
	svc := strings.TrimSuffix(a.source, ".amazonaws.com")
	if svc == "monitoring" {
		svc = "cloudwatch"
	}
	return svc + ":" + strings.TrimRightFunc(a.name, func(c rune) bool {
		return c >= '0' && c <= '9' || c == 'v'
	})
}

type apiMix []api

func (m apiMix) pick(r *rand.Rand) api {
	total := 0
	for _, a := range m {
		total += a.weight
	}
	n := r.IntN(total)
	for _, a := range m {
		if n < a.weight {
			return a
		}
		n -= a.weight
	}
	panic("unreachable")
}

func fixed(v any) func(*rand.Rand) any { return func(*rand.Rand) any { return v } }

func none(*rand.Rand) any { return nil }

var (
	someBuckets   = []string{WebAssetsBucket, AccountTrailBucket, FlowLogBucket, "demo-build-artifacts"}
	someRoles     = []string{DemoRoleName, WebServerRoleName, "OrganizationAccountAccessRole", "AWSServiceRoleForConfig"}
	someFunctions = []string{"demo-api", "demo-thumbnailer", "demo-nightly-report"}
)

func bucketReq(r *rand.Rand) any {
	b := oneOf(r, someBuckets...)
	return params{"bucketName": b, "Host": b + ".s3.amazonaws.com"}
}

func functionReq(r *rand.Rand) any { return params{"functionName": oneOf(r, someFunctions...)} }

func describe(set string) func(*rand.Rand) any {
	return fixed(params{set: params{}, "filterSet": params{}})
}

// saraAPIs is an administrator looking around: read-mostly, broad.
var saraAPIs = apiMix{
	{"ec2.amazonaws.com", "DescribeInstances", 10, describe("instancesSet")},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", 4, describe("securityGroupSet")},
	{"ec2.amazonaws.com", "DescribeVpcs", 3, describe("vpcSet")},
	{"ec2.amazonaws.com", "DescribeVolumes", 2, describe("volumeSet")},
	{"s3.amazonaws.com", "ListBuckets", 6, fixed(params{"Host": "s3.amazonaws.com"})},
	{"s3.amazonaws.com", "GetBucketPolicy", 2, bucketReq},
	{"s3.amazonaws.com", "GetBucketVersioning", 1, bucketReq},
	{"iam.amazonaws.com", "GetRole", 4, func(r *rand.Rand) any { return params{"roleName": oneOf(r, someRoles...)} }},
	{"iam.amazonaws.com", "ListRoles", 3, none},
	{"iam.amazonaws.com", "ListPolicies", 2, fixed(params{"scope": "Local", "onlyAttached": false})},
	{"iam.amazonaws.com", "GetAccountSummary", 1, none},
	{"cloudtrail.amazonaws.com", "DescribeTrails", 3, fixed(params{"trailNameList": []string{}, "includeShadowTrails": true})},
	{"cloudtrail.amazonaws.com", "GetTrailStatus", 2, fixed(params{"name": AccountTrailARN})},
	{"cloudtrail.amazonaws.com", "LookupEvents", 2, fixed(params{"maxResults": 50})},
	{"sts.amazonaws.com", "GetCallerIdentity", 3, none},
	{"lambda.amazonaws.com", "ListFunctions20150331", 3, none},
	{"lambda.amazonaws.com", "GetFunction20150331v2", 2, functionReq},
	{"logs.amazonaws.com", "DescribeLogGroups", 2, fixed(params{"limit": 50})},
	{"guardduty.amazonaws.com", "ListFindings", 1, fixed(params{"detectorId": DetectorID, "maxResults": 50})},
	{"monitoring.amazonaws.com", "DescribeAlarms", 1, fixed(params{"maxRecords": 100})},
	{"ec2.amazonaws.com", "CreateTags", 1, fixed(params{
		"resourcesSet": params{"items": []params{{"resourceId": Instance}}},
		"tagSet":       params{"items": []params{{"key": "owner", "value": "web-team"}}},
	})},
	{"lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", 1, func(r *rand.Rand) any {
		return params{"functionName": oneOf(r, someFunctions...), "timeout": oneOf(r, 15, 30, 60)}
	}},
}

// saraDemoAPIs is what sara does with DemoRole1 on ordinary days.
var saraDemoAPIs = apiMix{
	{"ec2.amazonaws.com", "DescribeInstances", 6, describe("instancesSet")},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", 2, describe("securityGroupSet")},
	{"ec2.amazonaws.com", "DescribeSubnets", 2, describe("subnetSet")},
	{"ec2.amazonaws.com", "DescribeInstanceStatus", 1, describe("instancesSet")},
	{"sts.amazonaws.com", "GetCallerIdentity", 1, none},
}

// aliceAPIs is an operator watching the web service.
var aliceAPIs = apiMix{
	{"ec2.amazonaws.com", "DescribeInstances", 8, describe("instancesSet")},
	{"ec2.amazonaws.com", "DescribeInstanceStatus", 3, describe("instancesSet")},
	{"monitoring.amazonaws.com", "GetMetricData", 6, fixed(params{"maxDatapoints": 1440, "scanBy": "TimestampDescending"})},
	{"logs.amazonaws.com", "FilterLogEvents", 5, fixed(params{"logGroupName": "/demo/web", "limit": 1000})},
	{"ssm.amazonaws.com", "DescribeInstanceInformation", 2, none},
	{"ecr.amazonaws.com", "DescribeRepositories", 1, none},
	{"s3.amazonaws.com", "ListBuckets", 2, fixed(params{"Host": "s3.amazonaws.com"})},
	{"autoscaling.amazonaws.com", "DescribeAutoScalingGroups", 1, none},
	{"elasticloadbalancing.amazonaws.com", "DescribeTargetHealth", 2, fixed(params{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:" + MemberAccount + ":targetgroup/demo-web/0a1b2c3d4e5f6a7b"})},
	{"sts.amazonaws.com", "GetCallerIdentity", 1, none},
}

// aliceMaintAPIs is alice's weekly patching as DemoRole1.
var aliceMaintAPIs = apiMix{
	{"ec2.amazonaws.com", "DescribeInstances", 3, describe("instancesSet")},
	{"ssm.amazonaws.com", "SendCommand", 2, fixed(params{"instanceIds": []string{AppInstance}, "documentName": "AWS-RunPatchBaseline"})},
	{"ssm.amazonaws.com", "ListCommandInvocations", 2, fixed(params{"details": true})},
	{"ec2.amazonaws.com", "CreateSnapshot", 1, fixed(params{"volumeId": "vol-0de0000000000a1b2", "description": "weekly"})},
}

// deployAPIs is the pipeline of OtherAccount releasing the demo function.
var deployAPIs = apiMix{
	{"lambda.amazonaws.com", "GetFunction20150331v2", 3, fixed(params{"functionName": "demo-api"})},
	{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", 2, fixed(params{"functionName": "demo-api", "publish": true})},
	{"lambda.amazonaws.com", "PublishVersion20150331", 1, fixed(params{"functionName": "demo-api"})},
	{"ec2.amazonaws.com", "DescribeInstances", 1, describe("instancesSet")},
}

// auditAPIs is the unlogged account's periodic review.
var auditAPIs = apiMix{
	{"iam.amazonaws.com", "GetAccountAuthorizationDetails", 2, fixed(params{"filter": []string{"User", "Role", "Group", "LocalManagedPolicy"}})},
	{"iam.amazonaws.com", "ListRoles", 2, none},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", 2, describe("securityGroupSet")},
	{"s3.amazonaws.com", "ListBuckets", 1, fixed(params{"Host": "s3.amazonaws.com"})},
	{"cloudtrail.amazonaws.com", "DescribeTrails", 1, fixed(params{"trailNameList": []string{}, "includeShadowTrails": true})},
}

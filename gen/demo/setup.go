package demo

import (
	"math/rand/v2"
	"strings"
	"time"
)

const (
	aliceUserAgent    = "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off"
	orgAdminUserAgent = "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off"
)

// setup records how the logging and the instances came to be: the first
// events of the history. CreateTrail ties each bucket to its trail's name
// (so StopLogging on demo-trail-2 explains the gap in that bucket), and
// RunInstances ties the ENIs and addresses to their instances.
func setup(l *trailLog) {
	r := newRand("setup", 0)
	org := orgAdmin.caller(OrgAdminIP, orgAdminUserAgent)
	createTrail(l, r, org, HistoryStart.Add(10*time.Minute+14*time.Second), OrgTrailName, OrgTrailBucket, OrgTrailARN, true)

	a := alice.caller(AliceIP, aliceUserAgent)
	createTrail(l, r, a, HistoryStart.Add(20*time.Minute+37*time.Second), AccountTrailName, AccountTrailBucket, AccountTrailARN, false)

	l.runInstances(r, a, LaunchTime, webInstance)
	l.runInstances(r, a, LaunchTime.Add(3*time.Minute+9*time.Second), appInstance)
	createFlowLogs(l, r, a, LaunchTime.Add(6*time.Minute), InstanceENI, FlowLogID, strings.Join(flowFieldsV5, " "))
	createFlowLogs(l, r, a, LaunchTime.Add(7*time.Minute), AppInstanceENI, AppFlowLogID, "")
}

// createTrail records a multi-Region trail with log file validation being
// created, given S3 data events on the web assets bucket and started.
func createTrail(l *trailLog, r *rand.Rand, p principal, t time.Time, name, bucket, arn string, organization bool) {
	e := l.call(r, p, t, Region, "cloudtrail.amazonaws.com", "CreateTrail", params{
		"name": name, "s3BucketName": bucket, "isMultiRegionTrail": true, "includeGlobalServiceEvents": true,
		"enableLogFileValidation": true, "isOrganizationTrail": organization,
	})
	e.ResponseElements = params{
		"name": name, "s3BucketName": bucket, "includeGlobalServiceEvents": true, "isMultiRegionTrail": true,
		"trailARN": arn, "logFileValidationEnabled": true, "isOrganizationTrail": organization,
	}
	selectors := []params{{
		"readWriteType": "All", "includeManagementEvents": true, "excludeManagementEventSources": []string{},
		"dataResources": []params{{"type": "AWS::S3::Object", "values": []string{"arn:aws:s3:::" + WebAssetsBucket + "/"}}},
	}}
	e = l.call(r, p, t.Add(41*time.Second), Region, "cloudtrail.amazonaws.com", "PutEventSelectors", params{
		"trailName": name, "eventSelectors": selectors,
	})
	e.ResponseElements = params{"trailARN": arn, "eventSelectors": selectors}
	l.call(r, p, t.Add(78*time.Second), Region, "cloudtrail.amazonaws.com", "StartLogging", params{"name": arn})
}

// createFlowLogs records a flow log to S3 on one ENI; format "" is the
// default (version 2) format.
func createFlowLogs(l *trailLog, r *rand.Rand, p principal, t time.Time, eni, id, format string) {
	req := params{
		"ResourceId": params{"content": eni, "tag": 1}, "ResourceType": "NetworkInterface", "TrafficType": "ALL",
		"LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::" + FlowLogBucket, "MaxAggregationInterval": 600,
	}
	if format != "" {
		req["LogFormat"] = "${" + strings.ReplaceAll(format, " ", "} ${") + "}"
	}
	e := l.call(r, p, t, Region, "ec2.amazonaws.com", "CreateFlowLogs", params{"CreateFlowLogsRequest": req})
	e.ResponseElements = params{"CreateFlowLogsResponse": params{
		"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": e.RequestID,
		"flowLogIdSet": params{"item": id}, "unsuccessful": "",
	}}
}

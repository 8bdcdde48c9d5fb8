// Package demo writes the logs of gumshoe's demo scenario: 75 days
// (2026-08-01 to 2026-10-16 UTC) of one small AWS organisation, in AWS's
// own formats and S3 key layouts, so that the real ingest path reads them
// as it would a synced bucket, and WriteGeo writes GeoIP databases that
// agree with the logs. Of gumshoe it imports only geo/mmdbgen, for those
// databases, so that it cannot drift with the code it feeds. Write and
// WriteGeo are deterministic: fixed seed, fixed dates, sorted output, gzip
// headers without names or times, a fixed database build time.
// scenario.go exports the facts tests assert on.
//
// Everything happens in the member account 123456789012, us-east-1,
// except where noted. Public addresses are from the documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), private
// ones from 172.16.0.0/16; Places says where each public block "is", for
// GuardDuty's findings and the GeoIP databases alike.
//
// # Role session walkthrough (TrailFindingID)
//
// Questions: who disabled CloudTrail, what did they do after, and is
// that consistent with their past?
//
//   - sara signs in through Identity Center (AssumeRoleWithSAML) to
//     AWSReservedSSO_AdministratorAccess_… on most weekdays, works 15:00 to
//     01:00 UTC from Bellevue and sometimes Ashburn, read-mostly, with the
//     console's agent and sometimes the CLI, now and then AccessDenied.
//     That history is the baseline: on 2026-10-14 at 17:02 she signs in
//     from a known Bellevue address, so geolocation, ASO and user agent are
//     not new, while StopLogging is.
//   - In the incident hour her admin session calls only StopLogging on
//     demo-trail-2 and AssumeRole on DemoRole1 ("She invoked just two API
//     calls"). As DemoRole1, session "sara", she calls DescribeInstances,
//     RunInstances (a new instance, its ENI and address in the response)
//     and AttachRolePolicy AdministratorAccess: two failures, one success.
//   - She chained into DemoRole1 on five earlier days too, so that session
//     has a history before the scope.
//   - DemoRole1 is assumed by others, to fill "Resources that assumed this
//     role": IAM user alice (session alice-maint, Mondays), instance
//     i-0aaaabbbbcccc0001 through its instance profile (started by
//     ec2.amazonaws.com, sessionContext.ec2RoleDelivery), role Deployer of
//     444455556666 (bob's session "deploy"; both accounts' copies of that
//     cross-account AssumeRole are logged and share a sharedEventID), and
//     777788889999, whose copy is in no log: "unknown (cross-account …)".
//   - Two trails deliver the member account: the organisation trail
//     org-trail (every account, whole period) and the account trail
//     demo-trail-2, whose delivery stops at StopLogging. The same event in
//     both is byte-identical, so counting by eventID counts it once, and
//     the organisation trail shows what happened after logging "stopped".
//     CreateTrail events tie each bucket to its trail's name; two digest
//     files make the account bucket look real and must be skipped.
//   - Also present so every attribution rule is exercised: the web
//     server's instance profile session (S3 data events from 172.16.0.7,
//     hourly), an IPv6 caller (alice), a second Region (us-west-2), and
//     service callers whose sourceIPAddress is "cloudtrail.amazonaws.com"
//     or "AWS Internal".
//
// # VPC flow walkthrough (TorFindingID)
//
// Questions: what ports and services were in use, were large transfers
// involved, was the traffic allowed, which instance held 172.16.0.7?
//
//   - i-9999999999999999 (ENI eni-0demo0000000009a, 172.16.0.7 and
//     2001:db8:16::7) is a web server: weeks of inbound 443 from many
//     clients with a daily rhythm, a package mirror, DNS to a forwarder in
//     the VPC, and rejected probes, mostly on 22 and 3389. Its flow log is
//     version 5 (flow-direction, tcp-flags, instance-id); records come in
//     both directions, ten-minute windows, NODATA where a window was empty
//     and two SKIPDATA rows in SkipDataHour. RunInstances on 2026-08-02
//     and every finding's instance details also bind the address to it.
//   - In [VPCWindowStart, VPCWindowEnd): Tor circuits to three entry nodes
//     (the finding's three updates name one each: "From finding" rows),
//     IRC on 6667 (Behavior:EC2/NetworkPortUnusual, a related finding), SSH
//     brute force from two addresses (two findings on the IP's profile),
//     two large inbound spikes on 443 from SpikeIPs that no finding names,
//     and outbound transfers on 22 to internal peers on ENIs without flow
//     logs; Port22BigBytes to Port22BigPeer is the top outbound row.
//   - A second flow log, default version 2 format, covers the quieter app
//     server eni-0demo00000000050 (172.16.0.50): v2 has no instance-id, so
//     only RunInstances ties that address to i-0aaaabbbbcccc0001.
//   - A port-probe finding a month earlier gives the instance a history.
//
// GuardDuty findings are written as the S3 export writes them: one
// camelCase finding per line, every update a line of its own with the
// same id and a later updatedAt.
package demo

package tui

// guidance explains each panel and the questions to ask of it, as the
// Info links of Detective's console do (`i`).
var guidance = map[string]string{
	"findings": `Findings lists every GuardDuty finding in the graph, most severe first, then most recent.

Ask: which findings are new since you last looked? Which share a resource?
Open a finding (enter) to see the entities involved; its window becomes the scope time.
Filter (f) by text, sev>=7, sev:high, type:TorClient or account:123456789012.`,
	"summary": `Summary shows the 24 hours that end with the scope: places calls came from that the 45 days
before never saw, the roles, users and instances busiest in the window with their last 7 days,
and the findings active in it.

Ask: is a new place expected (travel, a new office, a VPN)? Is a busy role busy as usual (the
sparkline), or only today?`,
	"finding": `A finding's profile shows what GuardDuty reported, the entities it involves and their part
(actor, resource, remote IP ...), other findings that share an entity in the same window, and
whether logging covered the window.

Ask: who is the actor, and what else did it do in the scope? Are the related findings the same
incident? Did a trail stop: then activity after it may be missing from that trail, not absent.
Open an entity (enter) to see its behavior; the scope time carries over.`,
	"Overview": `Overview shows what the graph knows of the entity: when it was first and last seen, its
account, and kind-specific facts (a role session's role and who started it; an address's place,
ASO and the instances that held it), with its activity around the scope.

Ask: was this entity around before the finding? Who or what is behind it (enter on "started by")?
Warnings above say where logging had gaps.`,
	"API calls": `Overall API call volume: successful and failed calls per interval, around the scope (marked),
with the baseline (the average over the 45 days before the scope).

Ask: is the activity in scope above the baseline? Are there failures (access denied: probing)?
Press d for details for scope time: by API (g cycles API, IP, access key); enter drills down
(API → IP → access key, IP → API → caller, key → IP → API).`,
	"New behavior": `New behavior compares the scope with the baseline: geolocations, API calls, API calls with
increased volume, ASOs (who owns the network) and user agents not seen before, each marked new
for the whole account too. The map shows known places in one colour (●) and new ones in another (◆).

Ask: is a new place or network plausible for this principal? A new API call such as StopLogging
or CreateAccessKey in a quiet role deserves a look. While the graph is "in training" (under 14
days of the account's data) nothing is called new.`,
	"Resource interaction": `Resource interaction shows who assumed this role (users, federated users, instances, other
sessions, other accounts), which roles were assumed from it (role chaining), the sessions
involved in the scope, and a session's chain back to the human or service at its root.

Ask: did someone chain into a more powerful role during the scope? Is a cross-account
assumption expected? Open a session to see what it did.`,
	"VPC flow": `Overall VPC flow volume: inbound and outbound bytes per interval with the baseline. Details for
scope time (d) list one row per local IP, local port, remote IP, remote port, protocol and
direction (who opened the connection; a client's ephemeral port is *), with bytes each way and
accepted/rejected records. ◆ marks remote IPs the finding names.

Ask: which flows carried the spikes (s sorts, S reverses)? Large outbound transfers (exfiltration),
many rejected inbound probes (scanning), traffic on unusual ports? Filter (f) with port:22,
dir:outbound, ip:172.16.0.0/16. enter opens the remote IP, o the local IP.`,
	"Findings": `Findings involving this entity, with its part in each.

Ask: is this entity part of more than one incident?`,
	"raw": `Raw events are the CloudTrail records behind a details row, read again from the source objects
(or the copies ingest --keep-raw kept), exactly as AWS delivered them.

Ask: what were the request parameters (which trail, which policy, which instance type)? Which
error message came back? The event id finds the record in any other tool.`,
	"search": `Search finds finding ids, types and titles, ARNs, role session and user names, access keys,
instance ids, IP addresses and CIDRs, user agents and buckets. Exact keys rank first.`,
}

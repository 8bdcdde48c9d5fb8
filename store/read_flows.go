package store

import (
	"context"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// flowRows are an entity's flow rows, narrowed by the profile's account
// filter: a FROM item aliased f, with its arguments, and a condition on f,
// with its arguments.
type flowRows struct {
	from     string
	fromArgs []any
	cond     string
	condArgs []any
}

func (pc *profileContext) flowFilter() flowRows {
	r := pc.entityFlows()
	fcond, fargs := pc.filter.flowCond("f")
	r.cond += fcond
	r.condArgs = append(r.condArgs, fargs...)
	return r
}

// entityFlows selects an entity's flows: an instance's interfaces
// (resolved now, so flows logged before the instance was known still
// count), an interface, or an address on either side.
func (pc *profileContext) entityFlows() flowRows {
	id := pc.e.id
	switch pc.e.kind {
	case graph.KindInstance:
		return flowRows{from: `flow_hour f`, cond: `f.eni IN (SELECT dst FROM edge WHERE src = ? AND rel = ?
			UNION SELECT eni FROM ip_assignment WHERE instance = ? AND eni != 0)`, condArgs: []any{id, int(graph.RelHadENI), id}}
	case graph.KindENI:
		return flowRows{from: `flow_hour f`, cond: `f.eni = ?`, condArgs: []any{id}}
	}
	// An address: as the remote side, by flow_by_remote_counts; as the
	// local side, through the interfaces that held it on the days read
	// (flow_peer), which SQLite reads by flow_hour's key. Two disjoint
	// halves of a UNION ALL, not an OR: SQLite answers an OR of two
	// indexes on a table without rowids by gathering every row's key into
	// a temporary tree to drop doubles, which cost a busy address 150 ms.
	// The hours the query bounds f by are pushed into both halves.
	lo, hi := pc.flowDays()
	return flowRows{from: `(SELECT * FROM flow_hour WHERE remote_ip = ?
			UNION ALL SELECT * FROM flow_hour WHERE local_ip = ? AND remote_ip != ?
				AND eni IN (SELECT eni FROM flow_peer WHERE ip = ? AND day >= ? AND day < ?)) f`,
		fromArgs: []any{id, id, id, id, lo, hi}, cond: `1`}
}

// flowDays bounds the flow_peer days a profile's flow panels read: from
// the start of the volume chart's baseline to the end of the chart or the
// scope, whichever is later. Each query still bounds the hours itself.
func (pc *profileContext) flowDays() (lo, hi int64) {
	start, end, _, _ := chartWindow(pc.scope, pc.now)
	lo = earlier(start, pc.scope.Baseline().Start).Unix()
	hi = later(end, pc.scope.End).Unix()
	return lo - lo%86400, hi
}

func (pc *profileContext) flowVolume(ctx context.Context) (*graph.Volume, error) {
	r := pc.flowFilter()
	return pc.volume(ctx, `SELECT f.hour, sum(f.bytes_in), sum(f.bytes_out) FROM `+r.from+`
		WHERE `+r.cond+` AND f.hour >= ? AND f.hour < ? GROUP BY f.hour`, append(r.fromArgs, r.condArgs...), "in", "out")
}

// FlowQuery shapes VPC flow details: the finding whose remote addresses
// are annotated "from finding", and the filters.
type FlowQuery struct {
	// Finding is a finding id; rows whose remote IP the finding names are
	// marked FromFinding.
	Finding string
	// IP keeps rows whose local or remote address is in it (an address,
	// a prefix, "public" or "private").
	IP         string
	LocalPort  string
	RemotePort string
	// Port keeps rows whose local or remote port it is.
	Port      string
	Direction string // inbound or outbound
	Protocol  string // tcp, udp, icmp or a number
	Action    string // accept or reject
}

func (pc *profileContext) flowDetails(ctx context.Context, q FlowQuery) (*graph.FlowDetails, error) {
	r := pc.flowFilter()
	start, end := inScope(pc.scope)
	// Grouped first, named after: a busy address's 20k rows fold into
	// fewer groups, and each group's names cost four seeks, not each row's.
	rows, err := pc.s.db.QueryContext(ctx, `SELECT coalesce((SELECT i.key FROM edge he JOIN entity i ON i.id = he.src
				WHERE he.dst = g.eni AND he.rel = ? ORDER BY he.last_seen DESC LIMIT 1), ''),
			eni.key, l.key, g.local_port, r.key, g.remote_port, g.protocol, g.direction, g.bytes_in, g.bytes_out, g.accepted, g.rejected
		FROM (SELECT f.eni, f.local_ip, f.local_port, f.remote_ip, f.remote_port, f.protocol, f.direction,
				sum(f.bytes_in) AS bytes_in, sum(f.bytes_out) AS bytes_out,
				sum(CASE f.action WHEN ? THEN f.records ELSE 0 END) AS accepted,
				sum(CASE f.action WHEN ? THEN f.records ELSE 0 END) AS rejected
			FROM `+r.from+`
			WHERE `+r.cond+` AND f.hour >= ? AND f.hour < ?
			GROUP BY f.eni, f.local_ip, f.local_port, f.remote_ip, f.remote_port, f.protocol, f.direction) g
		JOIN entity eni ON eni.id = g.eni
		JOIN entity l ON l.id = g.local_ip
		JOIN entity r ON r.id = g.remote_ip`,
		slices.Concat([]any{int(graph.RelHadENI), int(graph.ActionAccept), int(graph.ActionReject)}, r.fromArgs,
			r.condArgs, []any{start, end})...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	remotes, err := pc.s.findingRemoteIPs(ctx, q.Finding)
	if err != nil {
		return nil, err
	}
	d := &graph.FlowDetails{Rows: []graph.FlowRow{}}
	for rows.Next() {
		var r graph.FlowRow
		var lport, rport, proto, dir int
		if err := rows.Scan(&r.Instance, &r.ENI, &r.LocalIP, &lport, &r.RemoteIP, &rport, &proto, &dir,
			&r.BytesIn, &r.BytesOut, &r.Accepted, &r.Rejected); err != nil {
			return nil, err
		}
		r.LocalPort, r.RemotePort = portLabel(lport), portLabel(rport)
		r.Protocol, r.Direction = ProtocolName(proto), graph.Direction(dir).String()
		r.FromFinding = remotes[r.RemoteIP]
		d.Total++
		if q.Matches(r) {
			d.Rows = append(d.Rows, r)
		}
	}
	// Annotated rows first, then the largest inbound volume.
	sort.SliceStable(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i], d.Rows[j]
		if a.FromFinding != b.FromFinding {
			return a.FromFinding
		}
		return a.BytesIn > b.BytesIn
	})
	return d, rows.Err()
}

// findingRemoteIPs are the remote addresses a finding names over all its
// updates.
func (s *Store) findingRemoteIPs(ctx context.Context, id string) (map[string]bool, error) {
	out := map[string]bool{}
	if id == "" {
		return out, nil
	}
	keys, err := s.texts(ctx, `SELECT e.key FROM finding f JOIN finding_entity fe ON fe.finding = f.entity
		JOIN entity e ON e.id = fe.entity WHERE f.id = ? AND fe.part = ?`, id, string(graph.PartRemoteIP))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}

func portLabel(p int) string {
	if p == int(graph.AnyPort) {
		return "*"
	}
	return strconv.Itoa(p)
}

var protocolNames = map[int]string{1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 47: "gre", 50: "esp"}

// ProtocolName is an IANA protocol number's usual name.
func ProtocolName(p int) string {
	if n, ok := protocolNames[p]; ok {
		return n
	}
	return strconv.Itoa(p)
}

// Matches reports whether a flow row passes the query's filters.
func (q FlowQuery) Matches(r graph.FlowRow) bool {
	if q.IP != "" {
		l, _ := netip.ParseAddr(r.LocalIP)
		rm, _ := netip.ParseAddr(r.RemoteIP)
		if !matchCIDR(q.IP, l) && !matchCIDR(q.IP, rm) {
			return false
		}
	}
	if q.Port != "" && q.Port != r.LocalPort && q.Port != r.RemotePort {
		return false
	}
	protocol := strings.ToLower(q.Protocol)
	if n, err := strconv.Atoi(protocol); err == nil {
		protocol = ProtocolName(n)
	}
	checks := [][2]string{{q.LocalPort, r.LocalPort}, {q.RemotePort, r.RemotePort},
		{strings.ToLower(q.Direction), r.Direction}, {protocol, r.Protocol}}
	for _, c := range checks {
		if c[0] != "" && c[0] != c[1] {
			return false
		}
	}
	switch strings.ToLower(q.Action) {
	case "accept":
		return r.Accepted > 0
	case "reject":
		return r.Rejected > 0
	}
	return true
}

// holders lists the instances that held an address during the scope.
func (s *Store) holders(ctx context.Context, ip int64, sc graph.Scope) ([]graph.Holder, error) {
	start, end := inScope(sc)
	rows, err := s.db.QueryContext(ctx, `SELECT i.kind, i.key, i.account, coalesce(eni.key, ''), a.account, a.vpc,
			min(a.first_hour), max(a.last_hour)
		FROM ip_assignment a JOIN entity i ON i.id = a.instance LEFT JOIN entity eni ON eni.id = a.eni
		WHERE a.ip = ? AND a.first_hour < ? AND a.last_hour >= ?
		GROUP BY a.instance, a.account, a.vpc ORDER BY a.account, a.vpc, i.key`, ip, end, start-3599)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []graph.Holder{}
	for rows.Next() {
		var h graph.Holder
		var kind int
		var from, to int64
		if err := rows.Scan(&kind, &h.Instance.Key, &h.Instance.Account, &h.ENI, &h.Account, &h.VPC, &from, &to); err != nil {
			return nil, err
		}
		h.Instance.Kind = graph.Kind(kind).String()
		h.From, h.To = utc(from), utc(to+3599)
		out = append(out, h)
	}
	return out, rows.Err()
}

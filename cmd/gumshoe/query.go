package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gumshoe-sec/gumshoe/store"
)

// queryCommand is `gumshoe query`: JSON answers for scripts and tests.
type queryCommand struct {
	stdout io.Writer
}

func (c *queryCommand) Usage() string {
	return `Usage: gumshoe query --db FILE QUERY

Prints JSON. Queries:
  stats            counts of events, flow records, findings and entities by kind
  findings         every finding, by severity then most recent activity, with
                   its archived state and where it came from (files or the
                   GuardDuty API, through which detector)
  problems         bad records reported by ingest runs, newest first
  profile KEY      the profile of a finding id or entity key (ARN, session
                   AROA…:name, sso:user, access key, instance id, IP, ...)
  search TEXT      finding ids, types and titles, ARNs, names, session names,
                   access keys, instance ids, IPs and CIDRs, user agents, buckets
  summary          the 24 hours ending with the graph's newest data (--end TIME)
  coverage         logging coverage per account and Region in the scope
                   (--account N, repeatable; default: every account)
  accounts         one row per account and Region: name, CloudTrail events and
                   flow records per day (30-day average, last full day),
                   findings, first and last data, daily volume (--account N,
                   --region R, repeatable)
  raw KEY          the CloudTrail records behind the entity's calls in the scope,
                   as stored; --ip, --api, --key narrow them to one details row;
                   --page N, --page-size N (default 50); --keep-raw DIR where
                   ingest --keep-raw kept copies of objects no longer in place
  timeline KEY     the entity's calls in time order with what each touched
                   (instances launched, keys created, roles changed, sessions
                   started); for an access key, where it came from

Profile flags:
  --scope RANGE    2026-10-01T10:00..2026-10-01T11:00, -24h, 7d or epoch..epoch
                   (default: the finding's window, or the entity's last 24 h)
  --panel NAME     only this panel (repeatable): details, findings, api_volume,
                   api_details, new_behavior, resource_interaction, flow_volume,
                   flow_details, holders, coverage
  --kind KIND      which entity when the key names several (session, role, ip ...)
  API details:     --group-by ip|api|key|caller, --ip IP, --api [SERVICE:]NAME,
                   --key KEY (drill-down), --cidr public|private|PREFIX, --text TEXT
  Flow details:    --finding ID (annotate "from finding"), --ip IP|CIDR,
                   --local-port N, --remote-port N, --direction inbound|outbound,
                   --protocol tcp|udp|icmp|N, --action accept|reject
GeoIP:
` + geoFlagsUsage
}

func (c *queryCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("query")
	db := fs.String("db", "", "")
	limit := fs.Int("limit", 1000, "")
	pf := addProfileFlags(fs)
	gf := addGeoFlags(fs)
	end := fs.String("end", "", "")
	page := fs.Int("page", 1, "")
	pageSize := fs.Int("page-size", 50, "")
	keepRaw := fs.String("keep-raw", "", "")
	var accounts, regions listFlag
	fs.Var(&accounts, "account", "")
	fs.Var(&regions, "region", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *db == "" || len(rest) == 0 {
		return fmt.Errorf("%w: --db and a QUERY are required", errUsage)
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if gdb, err := gf.open(st, *db); err != nil {
		return err
	} else if gdb != nil {
		defer gdb.Close()
	}
	var out any
	switch rest[0] {
	case "stats":
		out, err = st.Stats(ctx)
	case "findings":
		out, err = st.FindingsWithOrigin(ctx)
	case "problems":
		out, err = st.Problems(ctx, *limit)
	case "profile":
		if len(rest) != 2 {
			return fmt.Errorf("%w: profile takes one KEY", errUsage)
		}
		out, err = pf.run(ctx, st, rest[1])
	case "raw", "timeline":
		if len(rest) != 2 {
			return fmt.Errorf("%w: %s takes one KEY", errUsage, rest[0])
		}
		req, rerr := pf.request(ctx, st, rest[1])
		if rerr != nil {
			return rerr
		}
		if rest[0] == "raw" {
			out, err = queryRaw(ctx, st, rest[1], req.Scope, req.Calls, *page, *pageSize, *keepRaw)
		} else {
			out, err = queryTimeline(ctx, st, rest[1], req.Scope, *keepRaw)
		}
	case "search":
		out, err = st.Search(ctx, strings.Join(rest[1:], " "))
	case "summary":
		out, err = querySummary(ctx, st, *end)
	case "coverage":
		out, err = pf.coverage(ctx, st, accounts)
	case "accounts":
		out, err = st.AccountUsage(ctx, store.AccountFilter{Accounts: accounts, Regions: regions})
	default:
		return fmt.Errorf("%w: unknown query %q", errUsage, rest[0])
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// accountsCommand is `gumshoe accounts`: the accounts the graph knows, with
// the names AWS Organizations gives them.
type accountsCommand struct {
	stdout, stderr io.Writer
	// orgEndpoint replaces Organizations' endpoint (tests).
	orgEndpoint string
}

func (c *accountsCommand) Usage() string {
	return `Usage: gumshoe accounts --db FILE [--sync] [--json] [AWS flags]

Lists the accounts of the graph (those it holds logs or findings of) and
those AWS Organizations named, with name, e-mail, status, the Regions seen
and the first and last data.

  --db FILE     the graph database
  --sync        first fetch the names with organizations:ListAccounts (in
                the management account or a delegated administrator) and
                store them; without access it says why in one line and
                lists what the graph has. Needs the writer lock: not while
                an ingest writes FILE.
  --json        print JSON
AWS flags, as for s3:// sources: --profile NAME, --region R, --role-arn ARN.
`
}

// accountListing is one account in the output.
type accountListing struct {
	ID        string     `json:"id"`
	Name      string     `json:"name,omitempty"`
	Email     string     `json:"email,omitempty"`
	Status    string     `json:"status,omitempty"`
	FetchedAt *time.Time `json:"fetched_at,omitempty"`
	InGraph   bool       `json:"in_graph"`
	Regions   []string   `json:"regions"`
	Findings  int        `json:"findings"`
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
}

// accountsOutput is the --json answer.
type accountsOutput struct {
	// Notice says why --sync fetched no names; empty otherwise.
	Notice   string           `json:"notice,omitempty"`
	Synced   int              `json:"synced"`
	Accounts []accountListing `json:"accounts"`
}

func (c *accountsCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("accounts")
	db := fs.String("db", "", "")
	sync := fs.Bool("sync", false, "")
	asJSON := fs.Bool("json", false, "")
	sf := addSourceFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *db == "" || len(rest) > 0 {
		return fmt.Errorf("%w: --db is required and there are no arguments", errUsage)
	}
	out := accountsOutput{Accounts: []accountListing{}}
	st, err := store.Open(ctx, *db, store.Options{Write: *sync})
	if err != nil {
		return err
	}
	defer st.Close()
	if *sync {
		opts, err := sf.s3Options()
		if err != nil {
			return err
		}
		out.Synced, err = syncAccountNames(ctx, st, opts.AWS, c.orgEndpoint)
		if err != nil {
			out.Notice = err.Error()
			fmt.Fprintln(c.stderr, out.Notice)
		}
	}
	if out.Accounts, err = listAccounts(ctx, st); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return c.printTable(out)
}

// listAccounts merges the names Organizations gave with what the graph
// holds of each account.
func listAccounts(ctx context.Context, st *store.Store) ([]accountListing, error) {
	names, err := st.AccountNames(ctx)
	if err != nil {
		return nil, err
	}
	usage, err := st.AccountUsage(ctx, store.AccountFilter{})
	if err != nil {
		return nil, err
	}
	byID := map[string]*accountListing{}
	get := func(id string) *accountListing {
		if a := byID[id]; a != nil {
			return a
		}
		a := &accountListing{ID: id, Regions: []string{}}
		byID[id] = a
		return a
	}
	for _, n := range names {
		a, fetched := get(n.ID), n.FetchedAt
		a.Name, a.Email, a.Status, a.FetchedAt = n.Name, n.Email, n.Status, &fetched
	}
	for _, r := range usage.Rows {
		a := get(r.Account)
		a.InGraph = true
		a.Findings += r.Findings
		if r.Region != "" {
			a.Regions = append(a.Regions, r.Region)
		}
		if r.FirstSeen.IsZero() {
			continue
		}
		first, last := r.FirstSeen, r.LastSeen
		if a.FirstSeen == nil || first.Before(*a.FirstSeen) {
			a.FirstSeen = &first
		}
		if a.LastSeen == nil || last.After(*a.LastSeen) {
			a.LastSeen = &last
		}
	}
	out := make([]accountListing, 0, len(byID))
	for _, a := range byID {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (c *accountsCommand) printTable(out accountsOutput) error {
	if out.Synced > 0 {
		fmt.Fprintf(c.stdout, "%d account names fetched from AWS Organizations\n", out.Synced)
	}
	if len(out.Accounts) == 0 {
		fmt.Fprintln(c.stdout, "no accounts: the graph holds no data yet and no names were fetched")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tSTATUS\tREGIONS\tFINDINGS\tFIRST DATA\tLAST DATA")
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format("2006-01-02 15:04")
	}
	for _, a := range out.Accounts {
		name, status, regions := orDash(a.Name), orDash(a.Status), orDash(strings.Join(a.Regions, ","))
		if !a.InGraph {
			regions = "not in the graph"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", graph.Sanitize(a.ID), graph.Sanitize(name), graph.Sanitize(status),
			graph.Sanitize(regions), a.Findings, when(a.FirstSeen), when(a.LastSeen))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
	"github.com/gumshoe-sec/gumshoe/graph"
)

// genCommand is `gumshoe gen`: a synthetic organisation's logs, for
// benchmarks, soak tests and trying gumshoe at scale.
type genCommand struct {
	stdout, stderr io.Writer
}

func (c *genCommand) Usage() string {
	return `Usage: gumshoe gen --out DIR [--size NAME] [knobs...] [--json]

Writes a deterministic synthetic organisation's logs under DIR, as AWS
delivers them: CloudTrail objects (DIR/trail/AWSLogs/<account>/CloudTrail/
<region>/YYYY/MM/DD/, gzipped), VPC Flow Logs with a header (DIR/flows/...)
and GuardDuty's export (DIR/guardduty/..., JSON lines). Principals keep
habits (working hours, usual Regions, addresses, user agents, API mix);
Identity Center users sign in and chain roles, some across accounts;
instances launched by RunInstances renew their instance-profile sessions
and serve traffic; GuardDuty findings are raised about real activity, with
the anomalous calls and flows they name. GeoIP databases that place the
generated addresses go beside it, to DIR.geoip/ (inside DIR they would be
read as logs). The same seed and knobs write the same logs.

Flags:
  --out DIR            where to write (must be empty or absent)
  --size NAME          a preset: tiny, small, medium, large or year (1,500
                       accounts, 365 days, 10M events, 50M flow records)
                       (default small); the knobs below override it
  --seed N             the random seed
  --accounts N         accounts in the organisation
  --days N             days of history
  --start DATE         the first day (2026-01-01)
  --events N           CloudTrail events in all   (or --events-per-day N)
  --flows N            flow records in all        (or --flows-per-day N)
  --findings N         GuardDuty findings (each has 1-3 updates)
  --json               print what was written as JSON

Then: gumshoe ingest --db graph.db DIR
      gumshoe tui --db graph.db --geoip-city DIR.geoip/` + demo.GeoCityFile + ` \
        --geoip-asn DIR.geoip/` + demo.GeoASNFile + `
`
}

// genKnobs are the flags that override a preset.
type genKnobs struct {
	seed                                    uint64
	accounts, days, events, flows, findings int
	eventsPerDay, flowsPerDay               int
	start                                   string
}

func (c *genCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("gen")
	out := fs.String("out", "", "")
	size := fs.String("size", "small", "")
	asJSON := fs.Bool("json", false, "")
	var k genKnobs
	fs.Uint64Var(&k.seed, "seed", 0, "")
	fs.IntVar(&k.accounts, "accounts", 0, "")
	fs.IntVar(&k.days, "days", 0, "")
	fs.IntVar(&k.events, "events", 0, "")
	fs.IntVar(&k.flows, "flows", 0, "")
	fs.IntVar(&k.findings, "findings", -1, "")
	fs.IntVar(&k.eventsPerDay, "events-per-day", 0, "")
	fs.IntVar(&k.flowsPerDay, "flows-per-day", 0, "")
	fs.StringVar(&k.start, "start", "", "")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	p, err := synth.LookupPreset(*size)
	if err != nil {
		return fmt.Errorf("%w: --size: %v", errUsage, err)
	}
	if p, err = k.apply(p); err != nil {
		return err
	}
	if err := emptyOrAbsent(*out); err != nil {
		return err
	}
	opts := p.Options()
	began := time.Now()
	w, err := synth.Write(*out, opts)
	if err != nil {
		return err
	}
	geoDir := filepath.Clean(*out) + ".geoip"
	if err := os.MkdirAll(geoDir, 0o755); err != nil {
		return err
	}
	city, asn := filepath.Join(geoDir, demo.GeoCityFile), filepath.Join(geoDir, demo.GeoASNFile)
	if err := mmdbgen.Write(city, asn, synth.Places()); err != nil {
		return err
	}
	took := time.Since(began)
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Preset  synth.Preset  `json:"preset"`
			Written synth.Written `json:"written"`
			Seconds float64       `json:"seconds"`
			GeoCity string        `json:"geoip_city"`
			GeoASN  string        `json:"geoip_asn"`
		}{p, w, took.Seconds(), city, asn})
	}
	fmt.Fprintf(c.stdout, "wrote %d objects (%s gzipped) in %s: %d CloudTrail events, %d flow records, %d finding updates\n",
		w.Objects, megabytes(w.CompressedBytes), took.Round(100*time.Millisecond), w.Events, w.Flows, w.Findings)
	fmt.Fprintf(c.stdout, "%d accounts, %d days from %s, seed %d\n", p.Accounts, p.Days, opts.Start.Format("2006-01-02"), p.Seed)
	fmt.Fprintf(c.stdout, "then: gumshoe ingest --db graph.db %s\n      gumshoe tui --db graph.db --geoip-city %s --geoip-asn %s\n", *out, city, asn)
	return nil
}

// apply overrides the preset with the knobs given.
func (k genKnobs) apply(p synth.Preset) (synth.Preset, error) {
	if k.seed != 0 {
		p.Seed = k.seed
	}
	for _, v := range []struct {
		name string
		val  int
		into *int
	}{{"accounts", k.accounts, &p.Accounts}, {"days", k.days, &p.Days}, {"events", k.events, &p.Events}, {"flows", k.flows, &p.Flows}} {
		if v.val < 0 {
			return p, fmt.Errorf("%w: --%s must not be negative", errUsage, v.name)
		}
		if v.val > 0 {
			*v.into = v.val
		}
	}
	if k.findings >= 0 {
		p.Findings = k.findings
	}
	if k.eventsPerDay > 0 {
		p.Events = k.eventsPerDay * p.Days
	}
	if k.flowsPerDay > 0 {
		p.Flows = k.flowsPerDay * p.Days
	}
	if k.start != "" {
		t, err := graph.ParseInstant(k.start)
		if err != nil {
			return p, fmt.Errorf("%w: --start: %v", errUsage, err)
		}
		p.Start = t.UTC().Truncate(24 * time.Hour)
	}
	return p, nil
}

// emptyOrAbsent refuses to write over something: a generated tree mixed
// into real logs would be hard to take apart.
func emptyOrAbsent(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty: gen writes into a new folder", dir)
	}
	return nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

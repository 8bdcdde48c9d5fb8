package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gumshoe-sec/gumshoe/ingest"
)

const configUsage = `  --config FILE  the configuration file (default $GUMSHOE_CONFIG, else
                 ~/.gumshoe/config.toml when it exists): defaults for these
                 flags, and the sources read when no SOURCE is given
`

func addConfigFlag(fs *flag.FlagSet) *string { return fs.String("config", "", "") }

// setFlags are the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// applyTo sets the flags of fs that the command line left alone from the
// file. The order is: the command line, then the environment variable a
// flag falls back to ($GUMSHOE_DB, $GUMSHOE_GEOIP_*), then the file, then
// the built-in default.
func (cfg *config) applyTo(fs *flag.FlagSet) error {
	set := setFlags(fs)
	for _, d := range []struct{ flag, env, value string }{
		{"db", "GUMSHOE_DB", cfg.DB},
		{"keep-raw", "", cfg.KeepRaw},
		{"retention", "", cfg.Retention.text},
		{"interval", "", cfg.PollInterval.text},
		{"geoip-city", "GUMSHOE_GEOIP_CITY", cfg.GeoIP.City},
		{"geoip-asn", "GUMSHOE_GEOIP_ASN", cfg.GeoIP.ASN},
	} {
		if d.value == "" || set[d.flag] || fs.Lookup(d.flag) == nil || (d.env != "" && os.Getenv(d.env) != "") {
			continue
		}
		if err := fs.Set(d.flag, d.value); err != nil {
			return fmt.Errorf("%s: %s: %w", cfg.path, d.flag, err)
		}
	}
	return nil
}

// sourceSpec is one source to read and how: a SOURCE argument with the
// command line's flags, or a [[source]] of the file with its options.
type sourceSpec struct {
	uri   string
	flags *sourceFlags
	// origin is the file and line of a configured source, for errors.
	origin string
}

// sourceSpecs are the SOURCE arguments when there are any (they replace
// the file's sources), else the file's sources. A configured source's
// options fill only the flags the command line did not give.
func (cfg *config) sourceSpecs(args []string, fs *flag.FlagSet, sf *sourceFlags) []sourceSpec {
	var specs []sourceSpec
	if len(args) > 0 {
		for _, a := range args {
			specs = append(specs, sourceSpec{uri: a, flags: sf})
		}
		return specs
	}
	set := setFlags(fs)
	for _, s := range cfg.Sources {
		f := *sf
		for _, o := range []struct {
			flag  string
			into  *string
			value string
		}{
			{"profile", &f.profile, s.Profile}, {"region", &f.region, s.Region},
			{"role-arn", &f.roleARN, s.RoleARN}, {"endpoint-url", &f.endpointURL, s.EndpointURL},
			{"since", &f.since, s.Since.text}, {"until", &f.until, s.Until.text},
		} {
			if !set[o.flag] && o.value != "" {
				*o.into = o.value
			}
		}
		if !set["s3-interval"] && s.Interval.text != "" {
			f.s3Interval, _ = time.ParseDuration(s.Interval.text) // checked when the file was read
		}
		specs = append(specs, sourceSpec{uri: s.URI, flags: &f, origin: fmt.Sprintf("%s:%d", cfg.path, s.line)})
	}
	return specs
}

// openSources makes the sources specs name.
func openSources(ctx context.Context, specs []sourceSpec) ([]ingest.Source, error) {
	if len(specs) > 0 && specs[0].origin == "" {
		// SOURCE arguments, all read with the command line's flags.
		return newSources(ctx, specURIs(specs), specs[0].flags)
	}
	var sources []ingest.Source
	for _, sp := range specs {
		src, err := openSource(ctx, sp)
		if err != nil {
			if sp.origin != "" {
				return nil, fmt.Errorf("%s: %w", sp.origin, err)
			}
			return nil, err
		}
		sources = append(sources, src)
	}
	return sources, nil
}

func openSource(ctx context.Context, sp sourceSpec) (ingest.Source, error) {
	opts, err := sp.flags.s3Options()
	if err != nil {
		return nil, err
	}
	return newSource(ctx, sp.uri, opts)
}

func specURIs(specs []sourceSpec) []string {
	uris := make([]string, len(specs))
	for i, sp := range specs {
		uris[i] = sp.uri
	}
	return uris
}

package main

import (
	"context"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
	"github.com/gumshoe-sec/gumshoe/tui"
)

const guardDutySourceUsage = `
SOURCE may be guardduty://REGION[,REGION...] (guardduty:// alone: the
Region of --region or the AWS configuration): the findings of every
detector there, read with GetFindings, the same credential flags as s3://.
An administrator account's detector gives its members' findings too. Each
poll asks only for findings updated since the last one (the watermark is
kept in the graph); --s3-interval also paces these polls when following.
`

// newGuardDutySource reads guardduty:// with the AWS options of the
// command line or the configuration file. Its graph is attached once the
// database is open (useGraph): sources are made before it, so that a bad
// SOURCE fails before a database is created.
func newGuardDutySource(ctx context.Context, arg string, opts ingest.S3Options) (ingest.Source, error) {
	return ingest.NewGuardDutySource(ctx, arg, ingest.GuardDutyOptions{AWS: opts.AWS, Interval: opts.Interval})
}

// useGraph gives the GuardDuty sources the graph they keep their
// watermarks and the findings' origins in.
func useGraph(sources []ingest.Source, st *store.Store) {
	for _, s := range sources {
		if gd, ok := s.(*ingest.GuardDutySource); ok {
			gd.UseGraph(st)
		}
	}
}

// consoleArchiver is how the console archives findings in GuardDuty: with
// the credentials of the first guardduty:// source it follows, else with
// the command line's AWS flags (the default chain when none is given).
// Nothing is loaded until `a` asks.
func consoleArchiver(specs []sourceSpec, sf *sourceFlags) (tui.GuardDutyArchiver, error) {
	flags := sf
	for _, sp := range specs {
		if ingest.IsGuardDutyURL(sp.uri) {
			flags = sp.flags
			break
		}
	}
	opts, err := flags.s3Options()
	if err != nil {
		return nil, err
	}
	return ingest.NewGuardDutyArchiver(opts.AWS), nil
}

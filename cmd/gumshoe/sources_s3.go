package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
)

// sourceFlags say how SOURCE arguments are read; all of them are about
// s3:// sources, and mean what the AWS CLI's flags of the same names mean.
type sourceFlags struct {
	profile, region, roleARN, endpointURL string
	since, until                          string
	s3Interval                            time.Duration
}

const sourceFlagsUsage = `
SOURCE may be s3://bucket[/prefix]: CloudTrail (account and organisation
trails), VPC flow logs (text and Parquet) and GuardDuty exports as AWS
delivers them, under PREFIX/AWSLogs/. Credentials come from the usual
places (environment, ~/.aws config and SSO, the instance role).
  --profile NAME     a profile of ~/.aws/config
  --region R         the Region to start from (a bucket's own is found)
  --role-arn ARN     assume this role first (say, in the log-archive account)
  --endpoint-url URL an S3-compatible store, addressed path-style
  --since T          skip date folders before T's day (2026-10-01,
                     2026-10-01T10:00 or epoch seconds)
  --until T          skip date folders after T's day
  --s3-interval D    least time between two listings of a bucket when
                     following (default 1m)
`

// s3Workers is the decode workers when a source is in S3 and --workers
// is not given: a worker waits on its GET most of the time, so more
// workers than cores keep the cores busy (BenchmarkS3Ingest on 2 cores:
// 16 workers read up to 660 objects/s from a loopback server, 8 up to 380).
const s3Workers = 16

func addSourceFlags(fs *flag.FlagSet) *sourceFlags {
	sf := &sourceFlags{}
	fs.StringVar(&sf.profile, "profile", "", "")
	fs.StringVar(&sf.region, "region", "", "")
	fs.StringVar(&sf.roleARN, "role-arn", "", "")
	fs.StringVar(&sf.endpointURL, "endpoint-url", "", "")
	fs.StringVar(&sf.since, "since", "", "")
	fs.StringVar(&sf.until, "until", "", "")
	fs.DurationVar(&sf.s3Interval, "s3-interval", time.Minute, "")
	return sf
}

// s3Options reads the flags into the options of S3 sources.
func (sf *sourceFlags) s3Options() (ingest.S3Options, error) {
	if sf == nil {
		return ingest.S3Options{}, nil
	}
	o := ingest.S3Options{Interval: sf.s3Interval, AWS: ingest.AWSOptions{
		Profile: sf.profile, Region: sf.region, RoleARN: sf.roleARN, EndpointURL: sf.endpointURL}}
	for _, b := range []struct {
		flag, value string
		into        *time.Time
	}{{"since", sf.since, &o.Since}, {"until", sf.until, &o.Until}} {
		if b.value == "" {
			continue
		}
		t, err := graph.ParseInstant(b.value)
		if err != nil {
			return o, fmt.Errorf("%w: --%s: %v", errUsage, b.flag, err)
		}
		*b.into = t
	}
	return o, nil
}

// newSources turns SOURCE arguments into sources.
func newSources(ctx context.Context, args []string, sf *sourceFlags) ([]ingest.Source, error) {
	opts, err := sf.s3Options()
	if err != nil {
		return nil, err
	}
	var sources []ingest.Source
	for _, arg := range args {
		src, err := newSource(ctx, arg, opts)
		if err != nil {
			return nil, err
		}
		sources = append(sources, src)
	}
	return sources, nil
}

// newSource returns the source an argument names: an S3Source for
// s3://bucket/prefix, a DirSource for a file or folder path.
func newSource(ctx context.Context, arg string, opts ingest.S3Options) (ingest.Source, error) {
	if ingest.IsGuardDutyURL(arg) {
		return newGuardDutySource(ctx, arg, opts)
	}
	if isS3(arg) {
		return ingest.NewS3Source(ctx, arg, opts)
	}
	return ingest.NewDirSource(arg)
}

func isS3(arg string) bool { return strings.HasPrefix(arg, "s3://") }

// defaultWorkers is the decode workers for sources when --workers is
// not given: 0 (one per core) unless a source is in S3.
func defaultWorkers(args []string) int {
	for _, a := range args {
		if isS3(a) {
			return s3Workers
		}
	}
	return 0
}

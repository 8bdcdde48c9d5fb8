package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/gumshoe-sec/gumshoe/store"
)

// GuardDutySource reads findings from the GuardDuty API of one or more
// Regions: guardduty://us-east-1,eu-west-1, or guardduty:// for the
// configured Region.
//
// It fits the Source interface by turning each poll of each detector into
// one object whose bytes are a GetFindings response ({"findings":[...]},
// the API's own JSON, batches joined): the decoder, the checkpoints, the
// raw copies and the summaries then treat API findings exactly as they
// treat files, and nothing downstream knows where they came from. The
// object's URI names the Region, the detector and the span of updatedAt it
// holds; its ModTime is the newest updatedAt. The watermark of the next
// poll is the newest ModTime of the detector's objects read to the end
// (store.NewestObjectTime): it commits with the findings, survives
// restarts and never runs ahead of the graph.
type GuardDutySource struct {
	name    string
	regions []string
	opts    GuardDutyOptions
	cfg     aws.Config
	// account is the credentials' account, asked once; "" if STS would
	// not say.
	account     string
	accountDone bool
	roles       map[string]detectorRole
	lastPoll    time.Time
	// lastErr is the last poll's error, repeated until the next poll so
	// that a failing Region stays in the summary between polls.
	lastErr error
	now     func() time.Time
}

// GuardDutyOptions say how a GuardDuty source reads.
type GuardDutyOptions struct {
	AWS AWSOptions
	// Interval is the least time between two polls when following; 0
	// means DefaultGuardDutyInterval. Every poll lists every detector of
	// every Region, and the API's rate limits are per account.
	Interval time.Duration
	// State is the graph the findings go to: the source reads its
	// watermarks there and records through which detector each finding
	// came. *store.Store is one. It may be given later, with UseGraph.
	State GuardDutyState
}

// GuardDutyState is the part of the graph a GuardDuty source uses.
type GuardDutyState interface {
	NewestObjectTime(ctx context.Context, prefix string) (time.Time, bool, error)
	HasFindingUpdate(ctx context.Context, id string, updatedAt time.Time) (bool, error)
	RecordFindingOrigins(ctx context.Context, origins []store.FindingOrigin) error
}

// DefaultGuardDutyInterval is the least time between two polls of the API.
const DefaultGuardDutyInterval = time.Minute

// guardDutyOverlap is how far before the watermark a poll asks again.
// ListFindings is eventually consistent: a finding updated a moment before
// the newest one read may show only later. Updates the graph already holds
// are dropped before they make an object, so the overlap costs a few
// GetFindings, never a double count.
const guardDutyOverlap = 5 * time.Minute

// IsGuardDutyURL reports whether a SOURCE argument names the GuardDuty API.
func IsGuardDutyURL(arg string) bool { return strings.HasPrefix(arg, "guardduty://") }

// NewGuardDutySource reads guardduty://REGION[,REGION...] with the given
// credentials.
func NewGuardDutySource(ctx context.Context, rawURL string, opts GuardDutyOptions) (*GuardDutySource, error) {
	regions, err := parseGuardDutyURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg, err := LoadAWSConfig(ctx, opts.AWS)
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		regions = []string{cfg.Region}
	}
	return &GuardDutySource{name: rawURL, regions: regions, opts: opts, cfg: cfg,
		roles: map[string]detectorRole{}, now: time.Now}, nil
}

// parseGuardDutyURL returns the Regions a guardduty:// URL names; none
// means the configured Region.
func parseGuardDutyURL(rawURL string) ([]string, error) {
	rest, ok := strings.CutPrefix(rawURL, "guardduty://")
	if !ok {
		return nil, fmt.Errorf("%s: not a guardduty:// URL", rawURL)
	}
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" {
		return nil, nil
	}
	var regions []string
	for _, r := range strings.Split(rest, ",") {
		if !validRegion(r) {
			return nil, fmt.Errorf("%s: %q is not a Region (guardduty://us-east-1,eu-west-1)", rawURL, r)
		}
		regions = append(regions, r)
	}
	return regions, nil
}

func validRegion(r string) bool {
	if r == "" || len(r) > 32 {
		return false
	}
	for _, c := range r {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// UseGraph sets the graph the source keeps its state in, when the
// database is opened after the source is made.
func (s *GuardDutySource) UseGraph(state GuardDutyState) { s.opts.State = state }

// Name implements Source.
func (s *GuardDutySource) Name() string { return s.name }

// List polls every Region (at most once per Interval; in between it
// offers nothing new). A Region that fails is reported in the error and
// the others go on.
func (s *GuardDutySource) List(ctx context.Context) ([]Object, error) {
	interval := s.opts.Interval
	if interval <= 0 {
		interval = DefaultGuardDutyInterval
	}
	now := s.now()
	if !s.lastPoll.IsZero() && now.Sub(s.lastPoll) < interval {
		return nil, s.lastErr
	}
	if s.opts.State == nil {
		return nil, errors.New("no graph to keep the watermark in")
	}
	s.lastPoll = now
	s.callerAccount(ctx)
	var objs []Object
	var errs []error
	for _, region := range s.regions {
		got, err := s.pollRegion(ctx, region)
		objs = append(objs, got...)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", region, err))
		}
	}
	s.lastErr = errors.Join(errs...)
	return objs, s.lastErr
}

// callerAccount asks STS once which account the credentials are, for the
// origin of every finding. It needs no permission; when it fails (an
// endpoint that only speaks GuardDuty) the account stays unknown.
func (s *GuardDutySource) callerAccount(ctx context.Context) {
	if s.accountDone {
		return
	}
	client := sts.NewFromConfig(s.cfg, func(o *sts.Options) {
		if s.opts.AWS.EndpointURL != "" {
			o.BaseEndpoint = aws.String(s.opts.AWS.EndpointURL)
		}
		o.RetryMaxAttempts = 2
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		s.account = aws.ToString(out.Account)
		s.accountDone = true
	}
}

// client returns a GuardDuty client for a Region.
func (s *GuardDutySource) client(region string) *guardduty.Client {
	return newGuardDutyClient(s.cfg, s.opts.AWS, region)
}

func newGuardDutyClient(cfg aws.Config, o AWSOptions, region string, more ...func(*guardduty.Options)) *guardduty.Client {
	return guardduty.NewFromConfig(cfg, append([]func(*guardduty.Options){func(gd *guardduty.Options) {
		gd.Region = region
		if o.EndpointURL != "" {
			gd.BaseEndpoint = aws.String(o.EndpointURL)
		}
	}}, more...)...)
}

// pollRegion reads every detector of a Region (in practice one per
// account and Region).
func (s *GuardDutySource) pollRegion(ctx context.Context, region string) ([]Object, error) {
	client := s.client(region)
	var detectors []string
	p := guardduty.NewListDetectorsPaginator(client, &guardduty.ListDetectorsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListDetectors: %w", err)
		}
		detectors = append(detectors, page.DetectorIds...)
	}
	var objs []Object
	var errs []error
	for _, det := range detectors {
		o, err := s.pollDetector(ctx, client, region, det)
		if err != nil {
			errs = append(errs, fmt.Errorf("detector %s: %w", det, err))
			continue
		}
		if o != nil {
			objs = append(objs, *o)
		}
	}
	return objs, errors.Join(errs...)
}

// guardDutyURI is the prefix of a detector's objects.
func guardDutyURI(region, detector string) string {
	return "guardduty://" + region + "/" + url.PathEscape(detector) + "/"
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWSOptions says which credentials and endpoint to use, the way the AWS
// CLI does: whatever the default chain finds (environment, shared config
// and credentials files, SSO, the instance role of a bastion), narrowed by
// a profile and a Region, and optionally a role to assume.
type AWSOptions struct {
	// Profile names a profile of ~/.aws/config; empty means AWS_PROFILE
	// or the default profile.
	Profile string
	// Region signs requests; for S3 it is only a starting point, since a
	// bucket answers from its own Region (see bucketRegion).
	Region string
	// RoleARN is assumed with the credentials found: logs usually live in
	// a log-archive account that the responder reaches through a role.
	RoleARN string
	// EndpointURL sends S3 requests to an S3-compatible store (MinIO,
	// Ceph, a test server) with path-style addressing.
	EndpointURL string

	// retryBackoff replaces the retryer's exponential backoff, so that
	// tests of retries do not sleep.
	retryBackoff retry.BackoffDelayer
}

// s3MaxAttempts and s3MaxBackoff bound the retries of one request. S3
// asks clients that it throttles (503 SlowDown) to back off and try again,
// and a backfill of many objects meets that often: ten attempts with up
// to 20 s between them ride out a few minutes of throttling, and an
// object that still fails is reported and the rest go on.
const (
	s3MaxAttempts = 10
	s3MaxBackoff  = 20 * time.Second
)

// roleSessionName is what CloudTrail shows for gumshoe's assumed-role
// sessions, so that its reads are recognisable in the logs it reads.
const roleSessionName = "gumshoe"

// LoadAWSConfig resolves credentials and Region as the AWS CLI would.
// Nothing is fetched yet: a missing credential shows on the first request,
// with the SDK's account of every place it looked.
func LoadAWSConfig(ctx context.Context, o AWSOptions) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(o.retryBackoff) }),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		// S3-compatible stores often refuse or mangle the checksums the SDK
		// now adds to every request; ask for them only where S3 requires them.
		opts = append(opts,
			config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// A bucket tells its Region to a request signed for any Region;
		// us-east-1 is where S3 answers questions about every bucket.
		cfg.Region = "us-east-1"
	}
	if o.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), o.RoleARN,
			func(ao *stscreds.AssumeRoleOptions) { ao.RoleSessionName = roleSessionName })
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	return cfg, nil
}

// newRetryer is the SDK's standard retryer (it retries 500, 502, 503, 504,
// SlowDown and the other throttling codes, with jittered exponential
// backoff) without its client-side retry quota: that quota is sized for
// interactive calls and, once a long backfill has been throttled a few
// hundred times, fails requests without trying them.
func newRetryer(backoff retry.BackoffDelayer) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = s3MaxAttempts
		so.MaxBackoff = s3MaxBackoff
		so.RateLimiter = ratelimit.None
		if backoff != nil {
			so.Backoff = backoff
		}
	})
}

// newS3Client returns a client for one bucket's Region (empty: the
// configured one).
func newS3Client(cfg aws.Config, o AWSOptions, region string) *s3.Client {
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		if region != "" {
			so.Region = region
		}
		if o.EndpointURL != "" {
			so.BaseEndpoint = aws.String(o.EndpointURL)
			so.UsePathStyle = true
		}
	})
}

// bucketRegion asks S3 which Region holds bucket. A log-archive bucket is
// seldom in the responder's default Region, and S3 answers a request
// signed for another Region with a redirect that the SDK does not follow;
// every answer to HeadBucket, an error included, names the Region. It
// returns "" when the answer does not say (S3-compatible stores).
func bucketRegion(ctx context.Context, client *s3.Client, bucket string) (string, error) {
	out, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return aws.ToString(out.BucketRegion), nil
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
	}
	return "", err
}

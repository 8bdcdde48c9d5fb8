package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// orgSyncTimeout bounds a best-effort fetch at the start of an ingest, so
// an unreachable endpoint delays the logs by this much at most.
const orgSyncTimeout = 30 * time.Second

// fetchAccountNames lists every account of the organisation with
// ListAccounts, page by page. The credentials and Region are those of s3://
// sources (ingest.LoadAWSConfig); endpoint, when set, replaces
// Organizations' own (tests).
func fetchAccountNames(ctx context.Context, o ingest.AWSOptions, endpoint string) ([]store.AccountName, error) {
	cfg, err := ingest.LoadAWSConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	client := organizations.NewFromConfig(cfg, func(oo *organizations.Options) {
		if endpoint != "" {
			oo.BaseEndpoint = aws.String(endpoint)
		}
	})
	fetched := time.Now().UTC().Truncate(time.Second)
	var out []store.AccountName
	pages := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			status := string(a.State)
			if status == "" {
				status = string(a.Status)
			}
			out = append(out, store.AccountName{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name),
				Email: aws.ToString(a.Email), Status: status, FetchedAt: fetched})
		}
	}
	return out, nil
}

// syncAccountNames fetches the names and stores them. The error, when
// there is one, reads as one line (orgErrorLine).
func syncAccountNames(ctx context.Context, st *store.Store, o ingest.AWSOptions, endpoint string) (int, error) {
	names, err := fetchAccountNames(ctx, o, endpoint)
	if err != nil {
		return 0, errors.New(orgErrorLine(err))
	}
	var valid []store.AccountName
	for _, n := range names {
		if store.IsAccountID(n.ID) {
			valid = append(valid, n)
		}
	}
	return len(valid), st.SaveAccountNames(ctx, valid)
}

// orgErrorLine says in one line why Organizations gave no names, and what
// would fix it.
func orgErrorLine(err error) string {
	var api smithy.APIError
	var sign *v4.SigningError
	switch {
	case errors.As(err, &api) && api.ErrorCode() == "AccessDeniedException":
		return "account names: Organizations denied ListAccounts (AccessDenied): it needs organizations:ListAccounts, " +
			"in the management account or a delegated administrator"
	case errors.As(err, &api) && api.ErrorCode() == "AWSOrganizationsNotInUseException":
		return "account names: this account is not in an organisation (AWSOrganizationsNotInUseException)"
	case errors.As(err, &api):
		return "account names: Organizations refused ListAccounts: " + graph.Sanitize(api.ErrorCode()+": "+api.ErrorMessage())
	case errors.As(err, &sign):
		return "account names: no usable AWS credentials (" + firstLine(sign.Err.Error()) + ")"
	}
	return "account names: could not ask Organizations: " + firstLine(err.Error())
}

// firstLine keeps an SDK error to one sanitised line.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return graph.Sanitize(s)
}

// readsAWS reports whether a source argument is read from AWS, so an
// ingest of it can ask Organizations for names first.
func readsAWS(arg string) bool {
	return strings.HasPrefix(arg, "s3://") || strings.HasPrefix(arg, "guardduty://")
}

// namesAtIngest fetches account names at the start of an ingest that reads
// AWS sources, with the credentials of the first such source; best effort:
// a failure is one notice line, never fatal. Sources in an S3-compatible
// store (endpoint_url) are not AWS: no organisation to ask. endpoint
// replaces Organizations' own (tests).
func namesAtIngest(ctx context.Context, st *store.Store, specs []sourceSpec, endpoint string, notice func(string)) {
	for _, sp := range specs {
		if !readsAWS(sp.uri) {
			continue
		}
		opts, err := sp.flags.s3Options()
		if err != nil || opts.AWS.EndpointURL != "" {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, orgSyncTimeout)
		defer cancel()
		if _, err := syncAccountNames(ctx, st, opts.AWS, endpoint); err != nil {
			notice(err.Error())
		}
		return
	}
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
)

// ErrGuardDutyMember is returned when the credentials are a member
// account's: GuardDuty lets only the administrator account archive the
// findings of its members, and a member's own findings as well.
var ErrGuardDutyMember = errors.New("members cannot archive findings in GuardDuty; the administrator account must do it")

// MemberError names the administrator that may archive.
type MemberError struct{ Administrator string }

func (e *MemberError) Error() string {
	if e.Administrator == "" {
		return ErrGuardDutyMember.Error()
	}
	return fmt.Sprintf("members cannot archive findings in GuardDuty; the administrator account %s must do it", e.Administrator)
}

func (e *MemberError) Unwrap() error { return ErrGuardDutyMember }

// archiveAttempts bounds the tries of one console archive call.
const archiveAttempts = 3

// GuardDutyArchiver archives and unarchives findings through the
// GuardDuty API with the console's credentials. Its configuration loads
// on first use, so a console that never archives never touches AWS.
type GuardDutyArchiver struct {
	opts AWSOptions
	mu   sync.Mutex
	cfg  *aws.Config
}

// NewGuardDutyArchiver returns an archiver using the credentials o names.
func NewGuardDutyArchiver(o AWSOptions) *GuardDutyArchiver { return &GuardDutyArchiver{opts: o} }

func (a *GuardDutyArchiver) config(ctx context.Context) (aws.Config, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cfg != nil {
		return *a.cfg, nil
	}
	cfg, err := LoadAWSConfig(ctx, a.opts)
	if err != nil {
		return cfg, err
	}
	a.cfg = &cfg
	return cfg, nil
}

// SetArchived archives (or unarchives) findings of a detector. It asks
// first whether the detector's account is a member, since GuardDuty's own
// refusal would not say why; credentials that may not ask go on to the
// archive call, and GuardDuty decides.
func (a *GuardDutyArchiver) SetArchived(ctx context.Context, region, detector string, ids []string, archived bool) error {
	cfg, err := a.config(ctx)
	if err != nil {
		return err
	}
	// Someone waits at the console: a few attempts, not a backfill's ten.
	client := newGuardDutyClient(cfg, a.opts, region, func(o *guardduty.Options) { o.RetryMaxAttempts = archiveAttempts })
	if admin, member, err := administratorOf(ctx, client, detector); err == nil && member {
		return &MemberError{Administrator: admin}
	}
	if archived {
		_, err = client.ArchiveFindings(ctx, &guardduty.ArchiveFindingsInput{DetectorId: aws.String(detector), FindingIds: ids})
		if err != nil {
			return fmt.Errorf("ArchiveFindings: %w", err)
		}
		return nil
	}
	_, err = client.UnarchiveFindings(ctx, &guardduty.UnarchiveFindingsInput{DetectorId: aws.String(detector), FindingIds: ids})
	if err != nil {
		return fmt.Errorf("UnarchiveFindings: %w", err)
	}
	return nil
}

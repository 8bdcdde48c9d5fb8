package tui

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

// GuardDutyArchiver archives findings in GuardDuty. cmd injects one
// built from the console's AWS flags (ingest.GuardDutyArchiver); the
// console never builds an AWS client itself.
type GuardDutyArchiver interface {
	// SetArchived archives (or unarchives) findings of detector in
	// region. It returns an error wrapping ingest.ErrGuardDutyMember when
	// the credentials are a member account's.
	SetArchived(ctx context.Context, region, detector string, ids []string, archived bool) error
}

// errNoGuardDuty is returned when the console has no archiver.
var errNoGuardDuty = errors.New("this console has no GuardDuty API access")

// ArchiveInGuardDuty implements Backend: GuardDuty first, then the graph,
// so the graph never says archived when GuardDuty does not.
func (b StoreBackend) ArchiveInGuardDuty(ctx context.Context, via store.FindingOrigin, id string, archived bool) error {
	if b.GuardDuty == nil {
		return errNoGuardDuty
	}
	if err := b.GuardDuty.SetArchived(ctx, via.Region, via.Detector, []string{id}, archived); err != nil {
		return err
	}
	return b.RecordGuardDutyArchive(ctx, id, archived)
}

// archiveHow is where an archive is made.
type archiveHow int

const (
	// archiveLocal marks the finding in the graph only.
	archiveLocal archiveHow = iota
	// archiveAPI calls ArchiveFindings / UnarchiveFindings, then records
	// the state in the graph.
	archiveAPI
)

// archivePlan is what `a` will do once the user says yes.
type archivePlan struct {
	id       string
	archived bool // the state to set
	how      archiveHow
	via      store.FindingOrigin
	question string
}

func verb(archived bool) string {
	if archived {
		return "archive"
	}
	return "unarchive"
}

// planArchive decides what `a` does on a finding in state st:
//   - a state that is a local mark is changed locally;
//   - a finding the API gave through an administrator's detector, or a
//     standalone account's own, is archived in GuardDuty on that detector;
//   - one seen only through member detectors cannot be: GuardDuty lets
//     only the administrator archive, so the console says so and offers a
//     local archive;
//   - a finding read from files, or a console without API access, is
//     archived locally.
func planArchive(st store.ArchiveState, api bool) archivePlan {
	p := archivePlan{id: st.Finding, archived: !st.Archived}
	v := verb(p.archived)
	switch {
	case st.Local:
		p.question = fmt.Sprintf("%s this finding locally (the archive mark is the console's own)? y/n", v)
	case len(st.Origins) == 0:
		p.question = fmt.Sprintf("read from files: %s it locally (GuardDuty is not told)? y/n", v)
	case st.Origins[0].Role == store.RoleMember:
		p.question = memberQuestion(st.Origins[0].Administrator, v)
	case !api:
		p.question = fmt.Sprintf("no GuardDuty API access here: %s it locally (GuardDuty is not told)? y/n", v)
	default:
		p.how, p.via = archiveAPI, st.Origins[0]
		p.question = fmt.Sprintf("%s in GuardDuty (detector %s, %s)? y/n", v, p.via.Detector, p.via.Region)
	}
	p.question = graph.Sanitize(p.question) // detector ids and accounts came from the API
	return p
}

func memberQuestion(admin, v string) string {
	who := "the administrator account"
	if admin != "" {
		who += " " + admin
	}
	return fmt.Sprintf("members cannot %s findings in GuardDuty: %s must do it. %s locally instead? y/n", v, who, v)
}

// archiveFlow is `a` on a finding, shared by the findings list and the
// finding page: ask the graph what the finding's state and origin are,
// ask the user, then act.
type archiveFlow struct {
	req     request
	pending *archivePlan
}

// archiveStateVal answers the flow's first query.
type archiveStateVal struct {
	st  store.ArchiveState
	api bool
}

// archiveDoneVal answers the flow's action.
type archiveDoneVal struct{ plan archivePlan }

// start asks for the state of finding id.
func (f *archiveFlow) start(c *Context, page int, id string) tea.Cmd {
	f.pending = nil
	b := c.Backend
	api := true
	if sb, ok := b.(StoreBackend); ok {
		api = sb.GuardDuty != nil
	}
	return query(page, f.req.start(c), func(ctx context.Context) (any, error) {
		st, err := b.FindingArchiveState(ctx, id)
		return archiveStateVal{st: st, api: api}, err
	})
}

// update takes the flow's answers and, while a question is open, the
// next key. handled is false for messages that are not the flow's;
// reload asks the page to load again.
func (f *archiveFlow) update(c *Context, page int, msg tea.Msg) (handled bool, cmd tea.Cmd, reload bool) {
	switch msg := msg.(type) {
	case resultMsg:
		if !f.req.accept(msg) {
			return false, nil, false
		}
		if msg.err != nil {
			return true, status("cannot archive: "+graph.Sanitize(msg.err.Error()), true), false
		}
		switch v := msg.val.(type) {
		case archiveStateVal:
			p := planArchive(v.st, v.api)
			f.pending = &p
			return true, status(p.question, false), false
		case archiveDoneVal:
			return true, f.done(v.plan, nil), true
		case archiveFailedVal:
			return true, f.done(v.plan, v.err), false
		}
		return true, nil, false
	case tea.KeyMsg:
		if f.pending == nil {
			return false, nil, false
		}
		p := *f.pending
		f.pending = nil
		if !key.Matches(msg, c.Keys.Yes) {
			return true, status(verb(p.archived)+" cancelled", false), false
		}
		return true, f.run(c, page, p), false
	}
	return false, nil, false
}

// archiveFailedVal carries an action that failed, so that the flow can
// offer the local archive instead.
type archiveFailedVal struct {
	plan archivePlan
	err  error
}

// run carries out a plan the user confirmed.
func (f *archiveFlow) run(c *Context, page int, p archivePlan) tea.Cmd {
	b := c.Backend
	return query(page, f.req.start(c), func(ctx context.Context) (any, error) {
		var err error
		if p.how == archiveAPI {
			err = b.ArchiveInGuardDuty(ctx, p.via, p.id, p.archived)
		} else {
			err = b.SetArchivedLocally(ctx, p.id, p.archived)
		}
		if err != nil {
			return archiveFailedVal{plan: p, err: err}, nil
		}
		return archiveDoneVal{plan: p}, nil
	})
}

// done reports an action. A GuardDuty call that failed leaves a question
// open: archive locally instead.
func (f *archiveFlow) done(p archivePlan, err error) tea.Cmd {
	v := verb(p.archived)
	switch {
	case err == nil && p.how == archiveAPI:
		return status(fmt.Sprintf("%sd in GuardDuty (detector %s, %s)", v, graph.Sanitize(p.via.Detector), graph.Sanitize(p.via.Region)), false)
	case err == nil:
		return status(v+"d locally; GuardDuty was not told", false)
	case p.how == archiveLocal:
		return status("cannot "+v+": "+graph.Sanitize(err.Error()), true)
	}
	local := p
	local.how, local.via = archiveLocal, store.FindingOrigin{}
	var member *ingest.MemberError
	if errors.As(err, &member) {
		local.question = memberQuestion(member.Administrator, v)
	} else {
		local.question = fmt.Sprintf("GuardDuty did not %s: %s. %s locally instead? y/n", v, err.Error(), v)
	}
	local.question = graph.Sanitize(local.question)
	f.pending = &local
	return status(local.question, true)
}

// view is the open question, on a line of its own; "" when none.
func (f *archiveFlow) view(c *Context) string {
	if f.pending == nil {
		return ""
	}
	return c.Styles.Warning.Render(graph.Sanitize(f.pending.question))
}

package tui

import (
	"fmt"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/ingest"
)

// progressMsg is one report of the running ingest.
type progressMsg ingest.Progress

// ingestDoneMsg says the ingest goroutine stopped.
type ingestDoneMsg struct{ err error }

// IngestDone tells the console that the ingest goroutine ended.
func IngestDone(err error) tea.Msg { return ingestDoneMsg{err: err} }

// waitProgress reads one report and re-arms, as bubbletea's realtime
// example does: the channel is read in a command, never in the model.
func waitProgress(ch <-chan ingest.Progress) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return ingestDoneMsg{}
		}
		return progressMsg(p)
	}
}

// ingestState is what the status bar says of the ingest goroutine.
type ingestState struct {
	sources []string
	last    ingest.Progress
	seen    bool
	stopped bool
	err     error
	// dirty is set when records were committed since the last refresh.
	dirty bool
}

func (s *ingestState) update(p ingest.Progress) {
	if p.Records != s.last.Records || p.Files != s.last.Files {
		s.dirty = true
	}
	s.last, s.seen = p, true
}

func (s *ingestState) done(err error) {
	s.stopped, s.err = true, err
	s.dirty = true
}

// line is the ingest part of the status bar.
func (s *ingestState) line() string {
	switch {
	case len(s.sources) == 0:
		return ""
	case s.err != nil:
		return "ingest stopped: " + graph.Sanitize(s.err.Error())
	case s.stopped:
		return "ingest finished"
	case !s.seen:
		return fmt.Sprintf("ingest: starting (%d sources)", len(s.sources))
	}
	p := s.last
	state := "reading"
	if p.Idle {
		state = "following"
	}
	line := fmt.Sprintf("ingest %s: %d files, %d records, %d bad", state, p.Files, p.Records, p.Bad)
	if !p.Idle && p.PerSecond > 0 {
		line += fmt.Sprintf(", %.0f/s", p.PerSecond)
	}
	if p.LastObject != "" {
		line += ", last " + graph.Sanitize(filepath.Base(p.LastObject))
	}
	return line
}

package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/gumshoe-sec/gumshoe/store"
)

// retentionFlag is --retention on the commands that run an ingest.
type retentionFlag struct{ text string }

func addRetentionFlag(fs *flag.FlagSet) *retentionFlag {
	r := &retentionFlag{}
	fs.StringVar(&r.text, "retention", "365d", "")
	return r
}

const retentionUsage = `  --retention D  keep D back from the newest event, pruning older data as
                 ingest runs (365d, 72h, forever; default 365d)
`

// duration is the retention the ingest goroutine prunes to.
func (r *retentionFlag) duration() (time.Duration, error) {
	d, err := store.ParseRetention(r.text)
	if err != nil {
		return 0, fmt.Errorf("%w: --retention: %v", errUsage, err)
	}
	return d, nil
}

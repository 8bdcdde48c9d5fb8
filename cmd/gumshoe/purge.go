package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gumshoe-sec/gumshoe/store"
)

// purgeCommand is `gumshoe purge`: evidence is sensitive, and a responder
// who is done with a case must be able to remove every trace of it.
type purgeCommand struct {
	stdin  io.Reader
	stdout io.Writer
}

func (c *purgeCommand) Usage() string {
	return `Usage: gumshoe purge --db FILE [--keep-raw DIR] [--yes]

Removes every trace of the graph FILE: the database, its WAL, shared-memory
and lock files, FILE.logs/ and FILE.geoip/ beside it (the demo writes them),
and with --keep-raw the raw copies that ingest --keep-raw kept in DIR. It
lists what it will remove and asks you to type the file name to confirm.
It refuses while a gumshoe process writes FILE; close consoles reading it
first, as they keep the removed file open until they exit.

Flags:
  --db FILE      the graph to remove
  --keep-raw DIR also remove DIR, the raw copies kept for FILE (refused if
                 DIR holds anything else)
  --yes          do not ask for confirmation
`
}

func (c *purgeCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("purge")
	db := fs.String("db", "", "")
	keepRaw := fs.String("keep-raw", "", "")
	yes := fs.Bool("yes", false, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *db == "" || len(rest) > 0 {
		return fmt.Errorf("%w: --db FILE is required, and nothing else", errUsage)
	}
	var also []string
	for _, dir := range []string{*db + ".logs", geoDir(*db)} {
		if _, err := os.Lstat(dir); err == nil {
			also = append(also, dir)
		}
	}
	if *keepRaw != "" {
		if err := onlyRawCopies(*keepRaw); err != nil {
			return err
		}
		also = append(also, *keepRaw)
	}
	p, err := store.NewPurge(*db)
	if err != nil {
		return err
	}
	defer p.Close()
	fmt.Fprintln(c.stdout, "This removes:")
	for _, f := range p.Files() {
		fmt.Fprintln(c.stdout, "  "+f)
	}
	for _, dir := range also {
		fmt.Fprintln(c.stdout, "  "+dir+"/ (folder, with everything in it)")
	}
	if !*yes && !c.confirmed(*db) {
		return fmt.Errorf("not confirmed: nothing removed")
	}
	if err := p.Remove(also...); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "removed %s\n", *db)
	return nil
}

// confirmed asks for the database's file name, so that a purge is never
// one stray "y" away.
func (c *purgeCommand) confirmed(db string) bool {
	name := filepath.Base(db)
	fmt.Fprintf(c.stdout, "Type %q to confirm: ", name)
	line, _ := bufio.NewReader(c.stdin).ReadString('\n')
	line = strings.TrimSpace(line)
	return line == name || line == db
}

// rawCopyName matches what ingest --keep-raw writes (ingest.RawCopyPath):
// DIR/ab/ab<62 hex>.gz, and .partial-* files of copies being written.
var rawCopyName = regexp.MustCompile(`^[0-9a-f]{2}(/([0-9a-f]{64}\.gz|\.partial-[0-9]+))?$`)

// onlyRawCopies refuses a --keep-raw folder that holds anything ingest did
// not put there: a mistyped DIR must not take a user's files with it.
func onlyRawCopies(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("--keep-raw: %w", err)
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		topLevel := !strings.Contains(rel, "/")
		if !rawCopyName.MatchString(rel) || d.IsDir() != topLevel {
			return fmt.Errorf("--keep-raw %s holds %s, which gumshoe did not write: remove it by hand or fix DIR", dir, rel)
		}
		return nil
	})
}

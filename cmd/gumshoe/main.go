// Command gumshoe is a terminal security-investigation console for AWS:
// it folds CloudTrail, VPC Flow Logs and GuardDuty findings into a behavior
// graph in one SQLite file and answers questions about it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand, in the shape of litestream's.
type command interface {
	Run(ctx context.Context, args []string) error
	Usage() string
}

func commands(stdout, stderr io.Writer) map[string]command {
	return map[string]command{
		"ingest":   &ingestCommand{stdout: stdout, stderr: stderr},
		"demo":     &demoCommand{stdout: stdout, stderr: stderr},
		"query":    &queryCommand{stdout: stdout},
		"tui":      &tuiCommand{},
		"open":     &tuiCommand{openKey: true},
		"purge":    &purgeCommand{stdin: os.Stdin, stdout: stdout},
		"sources":  &sourcesCommand{stdout: stdout},
		"accounts": &accountsCommand{stdout: stdout, stderr: stderr},
		"gen":      &genCommand{stdout: stdout, stderr: stderr},
		"bench":    &benchCommand{stdout: stdout, stderr: stderr},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error the user fixes by reading the usage text.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands(stdout, stderr)
	if len(args) == 0 {
		args = []string{"tui"}
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gumshoe: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd.Run(ctx, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stderr, cmd.Usage())
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "gumshoe %s: %v\n\n%s", args[0], err, cmd.Usage())
		return 2
	}
	fmt.Fprintf(stderr, "gumshoe %s: %v\n", args[0], err)
	return 1
}

const usage = `gumshoe: an investigation console for AWS logs, in the terminal.

Usage:
  gumshoe demo [--build-only] [--db FILE]      the console on the built-in demo graph
  gumshoe [tui] [--db FILE] [SOURCE...]        the console, following SOURCEs (or the configured ones)
  gumshoe open KEY [--scope RANGE]             the console, straight on a finding or entity
  gumshoe ingest --db FILE [--follow] SOURCE... read CloudTrail, VPC Flow Logs, GuardDuty findings
  gumshoe query --db FILE QUERY                JSON: stats, findings, search, profile, summary ...
  gumshoe purge --db FILE [--yes]              remove a graph and every file beside it
  gumshoe sources [--db FILE] [--json]         each source: what it delivered, its lag, errors
  gumshoe accounts --db FILE [--sync] [--json] accounts, named by AWS Organizations
  gumshoe gen --out DIR [--size NAME]          a synthetic organisation's logs, at any scale
  gumshoe bench [--only SECTIONS]              measure ingest, queries and the console (and peers)

Run "gumshoe COMMAND -h" for a command's flags.
`

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses flags anywhere among the arguments, so that
// `gumshoe ingest DIR --db FILE` works as well as the flags-first order.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

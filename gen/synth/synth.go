package synth

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Options sizes the output.
type Options struct {
	Seed     uint64
	Accounts int
	// Events is the number of CloudTrail events in all.
	Events int
	// EventsPerObject is how many events one S3 object holds.
	EventsPerObject int
	// Flows is the number of flow records in all.
	Flows int
	// FlowsPerObject is how many records one flow log object holds.
	FlowsPerObject int
	Start          time.Time
	// Days, when set, writes a world with history instead of volume: Days
	// of activity from Start by IAM users, Identity Center users and the
	// role sessions they start (AssumeRole, AssumeRoleWithSAML, role
	// chains, cross-account assumptions), instances launched by
	// RunInstances that renew instance-profile sessions and whose
	// interfaces log flows, and Findings GuardDuty findings about them
	// (see world.go). Events and Flows are spread over the hours.
	Days int
	// Findings is how many GuardDuty findings a world raises; each has
	// one to three updates.
	Findings int
}

func (o *Options) defaults() {
	if o.Accounts <= 0 {
		o.Accounts = 4
	}
	if o.EventsPerObject <= 0 {
		o.EventsPerObject = 2000
	}
	if o.FlowsPerObject <= 0 {
		o.FlowsPerObject = 20000
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	}
}

// Written says what Write produced.
type Written struct {
	Objects         int
	Events          int
	Flows           int
	Findings        int // finding updates (JSON lines)
	CompressedBytes int64
}

// Write writes the logs under dir.
func Write(dir string, opts Options) (Written, error) {
	opts.defaults()
	g := &generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x5eed)), dir: dir}
	if opts.Days > 0 {
		err := g.writeWorld()
		return g.out, err
	}
	g.people()
	if err := g.cloudTrail(); err != nil {
		return g.out, err
	}
	return g.out, g.flowLogs()
}

type generator struct {
	opts Options
	rng  *rand.Rand
	dir  string
	out  Written
	// principals are userIdentity blocks, pre-rendered per account.
	principals [][]principal
}

// gzFile is one gzipped object being written.
type gzFile struct {
	f  *os.File
	zw *gzip.Writer
	bw *bufio.Writer
}

func (g *generator) create(rel string) (*gzFile, error) {
	path := filepath.Join(g.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	return &gzFile{f: f, zw: zw, bw: bufio.NewWriterSize(zw, 1<<20)}, nil
}

func (z *gzFile) close(g *generator) error {
	if err := z.bw.Flush(); err != nil {
		return err
	}
	if err := z.zw.Close(); err != nil {
		return err
	}
	if st, err := z.f.Stat(); err == nil {
		g.out.CompressedBytes += st.Size()
	}
	g.out.Objects++
	return z.f.Close()
}

func (g *generator) account(i int) string { return fmt.Sprintf("%012d", 100000000000+i*1111) }

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *generator) upper(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(len(digits))]
	}
	return string(b)
}

func itoa(i int) string { return strconv.Itoa(i) }

package synth

import (
	"bytes"
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
	// zw compresses one object at a time; spare keeps the buffers of
	// closed objects for the next ones.
	zw    *gzip.Writer
	spare []*bytes.Buffer
}

// gzFile is one object being written. Its text is kept in memory and
// compressed when it is closed: a world of 1,500 accounts has thousands
// of objects open at once (one per account and Region for the day), too
// many for a file descriptor and a compressor each.
type gzFile struct {
	path string
	bw   *bytes.Buffer
}

func (g *generator) create(rel string) (*gzFile, error) {
	var b *bytes.Buffer
	if n := len(g.spare); n > 0 {
		b, g.spare = g.spare[n-1], g.spare[:n-1]
	} else {
		b = new(bytes.Buffer)
	}
	return &gzFile{path: filepath.Join(g.dir, rel), bw: b}, nil
}

func (z *gzFile) close(g *generator) error {
	if err := os.MkdirAll(filepath.Dir(z.path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(z.path)
	if err != nil {
		return err
	}
	if g.zw == nil {
		g.zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
	} else {
		g.zw.Reset(f)
	}
	_, err = g.zw.Write(z.bw.Bytes())
	if err == nil {
		err = g.zw.Close()
	}
	if err == nil {
		var st os.FileInfo
		if st, err = f.Stat(); err == nil {
			g.out.CompressedBytes += st.Size()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	z.bw.Reset()
	g.spare = append(g.spare, z.bw)
	z.bw = nil
	g.out.Objects++
	return err
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

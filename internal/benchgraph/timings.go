package benchgraph

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/internal/perf"
)

// Timings is perf's: the durations of one measured operation.
type Timings = perf.Timings

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Report sets the benchmark's metrics: ns/op is the mean of one
// operation (not of one b.N iteration, which may time several), and
// p50-ms, p95-ms and max-ms its distribution. It also records the row
// for Table, with the target p95 (0 for none).
func Report(b *testing.B, t *Timings, target time.Duration) {
	if t.Len() == 0 {
		return
	}
	b.ReportMetric(float64(t.Mean()), "ns/op")
	b.ReportMetric(ms(t.Quantile(0.5)), "p50-ms")
	b.ReportMetric(ms(t.Quantile(0.95)), "p95-ms")
	b.ReportMetric(ms(t.Quantile(1)), "max-ms")
	b.ReportMetric(float64(t.Len()), "samples")
	results.Lock()
	defer results.Unlock()
	if results.rows == nil {
		results.rows = map[string]Row{}
	}
	if _, ok := results.rows[b.Name()]; !ok {
		results.order = append(results.order, b.Name())
	}
	results.rows[b.Name()] = Row{Name: b.Name(), N: t.Len(), P50: t.Quantile(0.5), P95: t.Quantile(0.95),
		Max: t.Quantile(1), Mean: t.Mean(), Target: target}
}

// Row is one line of the summary table.
type Row struct {
	Name                string
	N                   int
	P50, P95, Max, Mean time.Duration
	Target              time.Duration
}

var results struct {
	sync.Mutex
	rows  map[string]Row
	order []string
}

// Table renders the rows reported so far whose names start with prefix,
// in the order they were first reported, with whether each meets its
// target, and forgets them.
func Table(prefix string) string {
	results.Lock()
	defer results.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-78s %6s %9s %9s %9s %9s  %s\n", "benchmark", "n", "p50 ms", "p95 ms", "max ms", "mean ms", "target p95")
	var keep []string
	met, total := 0, 0
	for _, name := range results.order {
		r, ok := results.rows[name]
		if !ok || !strings.HasPrefix(name, prefix) {
			keep = append(keep, name)
			continue
		}
		verdict := ""
		if r.Target > 0 {
			total++
			if r.P95 <= r.Target {
				met++
				verdict = fmt.Sprintf("<= %v ok", r.Target)
			} else {
				verdict = fmt.Sprintf("<= %v MISSED (%.1fx)", r.Target, float64(r.P95)/float64(r.Target))
			}
		}
		fmt.Fprintf(&b, "%-78s %6d %9.2f %9.2f %9.2f %9.2f  %s\n", strings.TrimPrefix(name, prefix), r.N,
			ms(r.P50), ms(r.P95), ms(r.Max), ms(r.Mean), verdict)
		delete(results.rows, name)
	}
	results.order = keep
	fmt.Fprintf(&b, "%d of %d targets met; %s\n", met, total, LoadAverage())
	return b.String()
}

// LoadAverage reports the machine's load averages: benchmarks on a busy
// machine read high.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return fmt.Sprintf("load average %s %s %s on %d CPUs", f[0], f[1], f[2], runtime.NumCPU())
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/gumshoe-sec/gumshoe/gen/synth"
	"github.com/gumshoe-sec/gumshoe/ingest"
)

// benchSet is a generated data set the ingest section reads.
type benchSet struct {
	name, unit string
	opts       synth.Options
	target     float64 // records per second
	records    func(ingest.Ingested) int64
}

// The sets of the ingest benchmarks in ingest/bench_test.go, so that the
// two agree: 500k CloudTrail events in 200 objects of 2,500 from 20
// accounts, and 2M v5 flow records in 40 objects.
var benchSets = []benchSet{
	{name: "cloudtrail", unit: "events", target: 250_000,
		opts:    synth.Options{Seed: 1, Accounts: 20, Events: 500_000, EventsPerObject: 2500},
		records: func(i ingest.Ingested) int64 { return i.CloudTrailEvents }},
	{name: "flows", unit: "flow records", target: 1_500_000,
		opts:    synth.Options{Seed: 1, Accounts: 5, Flows: 2_000_000, FlowsPerObject: 50_000},
		records: func(i ingest.Ingested) int64 { return i.FlowRecords }},
}

// scaled is the set with n records instead of its default count.
func (s benchSet) scaled(n int) benchSet {
	if n <= 0 {
		return s
	}
	if s.opts.Events > 0 {
		s.opts.Events = n
	} else {
		s.opts.Flows = n
	}
	return s
}

// dir writes the set's files once into the work folder.
func (s benchSet) dir(cfg *benchConfig) (string, int64, error) {
	dir := filepath.Join(cfg.work, fmt.Sprintf("%s-s%d-e%d-f%d", s.name, s.opts.Seed, s.opts.Events, s.opts.Flows))
	done := filepath.Join(dir, ".complete")
	if b, err := os.ReadFile(done); err == nil {
		var w synth.Written
		if json.Unmarshal(b, &w) == nil {
			return dir, w.CompressedBytes, nil
		}
	}
	fmt.Fprintf(cfg.log, "bench: writing the %s set into %s\n", s.name, dir)
	os.RemoveAll(dir)
	w, err := synth.Write(dir, s.opts)
	if err != nil {
		return "", 0, err
	}
	b, _ := json.Marshal(w)
	return dir, w.CompressedBytes, os.WriteFile(done, b, 0o644)
}

// ingestMeasure is one gumshoe ingest of a set.
type ingestMeasure struct {
	sum     ingest.Summary
	wall    time.Duration
	peakRSS int64
	dbBytes int64
}

// ingestOnce runs this executable's ingest command on a fresh database,
// as a user would: the time is the whole process's, from start to the
// last commit, and the memory its peak resident set.
func ingestOnce(ctx context.Context, cfg *benchConfig, dir, profile string) (ingestMeasure, error) {
	db := filepath.Join(cfg.work, "bench-ingest.db")
	removeDB(db)
	defer removeDB(db)
	return ingestInto(ctx, cfg, db, dir, profile)
}

// ingestInto runs gumshoe ingest of dir into db and measures it,
// writing a CPU profile when profile is set.
func ingestInto(ctx context.Context, cfg *benchConfig, db, dir, profile string) (ingestMeasure, error) {
	var out, errOut bytes.Buffer
	args := []string{"ingest", "--db", db, "--json", dir}
	if profile != "" {
		args = append(args, "--cpuprofile", profile)
	}
	cmd := exec.CommandContext(ctx, cfg.self, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runtime.GC()
	began := time.Now()
	err := cmd.Run()
	r := ingestMeasure{wall: time.Since(began)}
	if err != nil {
		return r, fmt.Errorf("gumshoe ingest %s: %v: %s", dir, err, bytes.TrimSpace(errOut.Bytes()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if err := json.Unmarshal(out.Bytes(), &r.sum); err != nil {
		return r, fmt.Errorf("gumshoe ingest --json: %v", err)
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(db + suffix); err == nil {
			r.dbBytes += fi.Size()
		}
	}
	return r, nil
}

func removeDB(db string) {
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		os.Remove(db + suffix)
	}
}

// benchIngest measures each set RUNS times, then the peers on the
// CloudTrail set.
func benchIngest(ctx context.Context, cfg *benchConfig, rep *benchReport, ingestToo, peers bool) error {
	for _, set := range benchSets {
		set = set.scaled(map[string]int{"cloudtrail": cfg.events, "flows": cfg.flows}[set.name])
		if !ingestToo && !(peers && set.name == "cloudtrail") {
			continue
		}
		dir, gz, err := set.dir(cfg)
		if err != nil {
			return err
		}
		res := ingestResult{Name: set.name, Unit: set.unit, InputBytes: gz, Target: set.target}
		for i := 0; i < cfg.runs; i++ {
			profile := ""
			if cfg.profiles != "" {
				profile = filepath.Join(cfg.profiles, fmt.Sprintf("ingest-%s-%d.pprof", set.name, i+1))
			}
			r, err := ingestOnce(ctx, cfg, dir, profile)
			if err != nil {
				return err
			}
			res.Records = set.records(r.sum.Total.Ingested)
			res.Seconds = append(res.Seconds, r.wall.Seconds())
			res.PeakRSS = max(res.PeakRSS, r.peakRSS)
			res.DBBytes = r.dbBytes
			fmt.Fprintf(cfg.log, "bench: ingest %s run %d: %d %s in %.2fs, peak RSS %s\n",
				set.name, i+1, res.Records, set.unit, r.wall.Seconds(), humanBytes(r.peakRSS))
		}
		res.Median = median(res.Seconds)
		res.PerSecond = float64(res.Records) / res.Median
		if res.Records > 0 {
			res.DBPerMillion = res.DBBytes * 1_000_000 / res.Records
		}
		rep.Ingest = append(rep.Ingest, res)
		if peers && set.name == "cloudtrail" {
			rep.Peers = append(rep.Peers, runPeers(ctx, cfg, dir, res)...)
		}
	}
	if !ingestToo {
		rep.Ingest = nil
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/gumshoe-sec/gumshoe/store"
)

// freshnessDrops is how many files the freshness section drops.
const freshnessDrops = 5

// benchFreshness measures how long a file that lands in a followed
// folder takes to become visible to a reader of the graph — what the
// console's refresh asks for: gumshoe ingest --follow runs as the
// console's ingest goroutine would (polling every second), and a reader
// polls the graph every 20 ms for the file's event.
func benchFreshness(ctx context.Context, cfg *benchConfig, rep *benchReport) error {
	dir := filepath.Join(cfg.work, "freshness")
	os.RemoveAll(dir)
	logs := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "11", "01")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}
	db := filepath.Join(dir, "graph.db")
	// The first object makes the graph; the ingest follows from there.
	if err := dropTrailObject(logs, 0); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	follow := exec.CommandContext(ctx, cfg.self, "ingest", "--db", db, "--follow", "--interval", "1s", filepath.Join(dir, "AWSLogs"))
	var errOut bytes.Buffer
	follow.Stderr = &errOut
	if err := follow.Start(); err != nil {
		return err
	}
	defer follow.Wait()
	defer cancel()
	var st *store.Store
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("freshness: the followed graph never appeared: %s", errOut.String())
		}
		if s, err := store.Open(ctx, db, store.Options{}); err == nil {
			if n, err := s.Stats(ctx); err == nil && n.Events == 1 {
				st = s
				break
			}
			s.Close()
		}
	}
	defer st.Close()
	var t []float64
	for i := 1; i <= freshnessDrops; i++ {
		// Land at a random point of the poll cycle, as files do.
		time.Sleep(time.Duration(300+i*170) * time.Millisecond)
		landed := time.Now()
		if err := dropTrailObject(logs, i); err != nil {
			return err
		}
		for {
			n, err := st.Stats(ctx)
			if err != nil {
				return err
			}
			if n.Events == int64(i+1) {
				break
			}
			if time.Since(landed) > time.Minute {
				return fmt.Errorf("freshness: object %d not visible after a minute: %s", i, errOut.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		t = append(t, time.Since(landed).Seconds())
		fmt.Fprintf(cfg.log, "bench: freshness: object %d visible after %.2fs\n", i, t[len(t)-1])
	}
	rep.Freshness = &freshnessResult{Seconds: t, Median: median(t), Max: maxOf(t), Target: 5}
	return nil
}

// freshnessResult is how long a landed file took to be visible.
type freshnessResult struct {
	Seconds []float64 `json:"seconds"`
	Median  float64   `json:"median_seconds"`
	Max     float64   `json:"max_seconds"`
	Target  float64   `json:"target_seconds"`
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// dropTrailObject lands a CloudTrail object of one event in dir the way
// a delivery does: written aside, then renamed into place.
func dropTrailObject(dir string, i int) error {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	fmt.Fprintf(zw, `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAFRESHNESS","arn":"arn:aws:iam::111122223333:user/fresh","accountId":"111122223333","userName":"fresh"},"eventTime":"2026-11-01T10:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"eventID":"fresh-%d","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}]}`, i%60, i)
	if err := zw.Close(); err != nil {
		return err
	}
	name := fmt.Sprintf("111122223333_CloudTrail_us-east-1_20261101T10%02dZ_fresh%d.json.gz", i%60, i)
	tmp := filepath.Join(filepath.Dir(filepath.Dir(dir)), "."+name)
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

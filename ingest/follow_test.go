package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

const flowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

func flowLine(port int) string {
	return "2 123456789012 eni-0a1 172.16.0.7 198.51.100.9 443 " + strconv.Itoa(port) + " 6 10 1000 1790000000 1790000060 ACCEPT OK\n"
}

// TestFollowPicksUpNewAndGrownFiles runs a following ingest and watches
// new files and appended lines arrive, each counted once.
func TestFollowPicksUpNewAndGrownFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flows.log")
	if err := os.WriteFile(path, []byte(flowHeader+flowLine(50001)+flowLine(50002)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, _ := ingest.NewDirSource(dir)
	idle := make(chan ingest.Progress, 100)
	in := &ingest.Ingester{Store: st, Sources: []ingest.Source{src}, Follow: true, PollInterval: 10 * time.Millisecond,
		OnProgress: func(p ingest.Progress) {
			if p.Idle {
				select {
				case idle <- p:
				default:
				}
			}
		}}
	done := make(chan ingest.Summary, 1)
	go func() {
		sum, err := in.Run(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	waitRecords := func(want int64) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case p := <-idle:
				if p.Records == want {
					return
				}
			case <-deadline:
				t.Fatalf("never reached %d records", want)
			}
		}
	}
	waitRecords(2)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(flowLine(50003))
	f.Close()
	os.Chtimes(path, time.Now().Add(time.Second), time.Now().Add(time.Second))
	waitRecords(3)
	os.WriteFile(filepath.Join(dir, "more.log"), []byte(flowHeader+flowLine(50004)), 0o644)
	waitRecords(4)
	cancel()
	sum := <-done
	if got := sum.Total.Ingested.FlowRecords; got != 4 {
		t.Errorf("ingested %d flow records, want 4 (each once)", got)
	}
	stats, _ := st.Stats(context.Background())
	if stats.Flows != 4 {
		t.Errorf("graph holds %d flow records, want 4", stats.Flows)
	}
}

// TestFollowHalfWrittenLine reads a JSON-lines file whose last line is
// still being written: the line is reported, and read whole once it is.
func TestFollowHalfWrittenLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.json")
	line := `{"eventVersion":"1.08","eventID":"e-%d","eventTime":"2026-10-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"alice"},"recipientAccountId":"123456789012"}`
	whole := fmt.Sprintf(line, 1) + "\n" + fmt.Sprintf(line, 2) + "\n"
	half := len(fmt.Sprintf(line, 1)) + 1 + 40
	if err := os.WriteFile(path, []byte(whole[:half]), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "g.db")
	first := ingestDir(t, db, dir)
	if first.Total.Ingested.CloudTrailEvents != 1 || first.Total.Bad != 1 {
		t.Fatalf("half-written file: %+v", first.Total)
	}
	if err := os.WriteFile(path, []byte(whole), 0o644); err != nil {
		t.Fatal(err)
	}
	second := ingestDir(t, db, dir)
	if second.Total.Ingested.CloudTrailEvents != 1 || second.Total.Bad != 0 {
		t.Errorf("completed line not read whole: %+v", second.Total)
	}
	if s := stats(t, db); s.Events != 2 {
		t.Errorf("graph holds %d events, want 2", s.Events)
	}
}

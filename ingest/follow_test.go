package ingest_test

import (
	"context"
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

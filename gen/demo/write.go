package demo

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Summary counts what Write wrote.
type Summary struct {
	Files int
	Bytes int64 // on disk, compressed
	// CloudTrailEvents counts distinct events (eventIDs); CloudTrailRecords
	// counts the copies delivered, an event logged by both trails twice.
	CloudTrailEvents  int
	CloudTrailRecords int
	// FlowRecords counts flow log lines below the header lines, NODATA and
	// SKIPDATA rows included.
	FlowRecords int
	// Findings counts distinct findings; FindingUpdates their lines, one
	// per update.
	Findings       int
	FindingUpdates int
	// Every record lies in [Start, End): HistoryStart and HistoryEnd.
	Start, End time.Time
}

type kind uint8

const (
	kindCloudTrail kind = iota
	kindDigest
	kindFlow
	kindFinding
)

// object is one file to write: its path below the output folder and how
// to make its uncompressed content and count the records in it.
type object struct {
	path  string
	kind  kind
	build func() ([]byte, int)
}

func ready(body []byte, records int) func() ([]byte, int) {
	return func() ([]byte, int) { return body, records }
}

// Write writes the demo scenario's logs under dir as synced S3 buckets:
// CloudTrail from an organisation trail and an account trail (with two
// digest files), VPC flow logs of two ENIs, and GuardDuty's findings
// export. Every run writes the same bytes. Files already in dir are
// overwritten when they have a name Write uses and left alone otherwise.
func Write(dir string) (Summary, error) {
	objs, sum, err := plan()
	if err != nil {
		return Summary{}, err
	}
	dirs := map[string]bool{}
	for _, o := range objs {
		dirs[path.Dir(o.path)] = true
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return Summary{}, fmt.Errorf("demo: %w", err)
		}
	}
	type result struct {
		size    int64
		records int
		err     error
	}
	results := make([]result, len(objs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(objs) {
					return
				}
				body, n := objs[i].build()
				buf.Reset()
				zw.Reset(&buf) // a zero header: no name, no modification time
				_, err := zw.Write(body)
				if err == nil {
					err = zw.Close()
				}
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, filepath.FromSlash(objs[i].path)), buf.Bytes(), 0o644)
				}
				results[i] = result{int64(buf.Len()), n, err}
			}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			return Summary{}, fmt.Errorf("demo: writing %s: %w", objs[i].path, r.err)
		}
		sum.Files++
		sum.Bytes += r.size
		switch objs[i].kind {
		case kindCloudTrail:
			sum.CloudTrailRecords += r.records
		case kindFlow:
			sum.FlowRecords += r.records
		case kindFinding:
			sum.FindingUpdates += r.records
		}
	}
	return sum, nil
}

// plan makes the scenario and lists every file to write. CloudTrail is
// made here, at once, because digests hash the log files; flow logs, the
// bulk, are made by the writers, one hour per object.
func plan() ([]object, Summary, error) {
	sum := Summary{Start: HistoryStart, End: HistoryEnd}
	l := &trailLog{}
	setup(l)
	routines(l)
	incident(l)
	events := l.events
	slices.SortStableFunc(events, func(a, b *event) int { return a.when.Compare(b.when) })
	encoded := make([][]byte, len(events))
	for i, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, sum, fmt.Errorf("demo: event %s: %w", e.EventName, err)
		}
		encoded[i] = b
	}

	var objs []object
	delivered := map[string]bool{}
	for _, t := range trails(events) {
		logs := t.deliver(events, encoded)
		for _, o := range logs {
			objs = append(objs, object{t.bucket() + "/" + o.key, kindCloudTrail, ready(o.body, o.records)})
		}
		for _, e := range events {
			if t.delivers(e) {
				delivered[e.EventID] = true
			}
		}
		if t.name != AccountTrailName {
			continue
		}
		ds, err := digests(logs)
		if err != nil {
			return nil, sum, err
		}
		for _, d := range ds {
			objs = append(objs, object{t.bucket() + "/" + d.key, kindDigest, ready(d.body, 0)})
		}
	}
	if len(delivered) != len(events) {
		return nil, sum, fmt.Errorf("demo: %d events fall outside every trail", len(events)-len(delivered))
	}
	sum.CloudTrailEvents = len(delivered)

	objs = append(objs, flowObjects()...)

	gd, n, err := findingObjects()
	if err != nil {
		return nil, sum, err
	}
	sum.Findings = n
	objs = append(objs, gd...)
	return objs, sum, nil
}

// flowObjects lists one object per flow log and hour from flowStart.
func flowObjects() []object {
	extra := scenarioRecords()
	var objs []object
	for _, fl := range []flowLog{webFlowLog, appFlowLog} {
		for h := flowStart(); h.Before(HistoryEnd); h = h.Add(time.Hour) {
			stamp := h.Add(55 * time.Minute)
			r := newRand("fl-name/"+fl.id, uint64(h.Unix()))
			key := fmt.Sprintf("%s/AWSLogs/%s/vpcflowlogs/%s/%s/%s_vpcflowlogs_%s_%s_%s_%s.log.gz",
				FlowLogBucket, MemberAccount, Region, stamp.Format("2006/01/02"), MemberAccount, Region, fl.id,
				stamp.Format("20060102T1504Z"), pick(r, hexDigits, 8))
			objs = append(objs, object{key, kindFlow, func() ([]byte, int) {
				r := newRand("flows/"+fl.id, uint64(h.Unix()))
				var cs []conn
				var more []flowRec
				if fl == webFlowLog {
					cs, more = webRoutine(r, h), extra[h]
				} else {
					cs = appRoutine(r, h)
				}
				recs := hourRecords(h, cs, more, fl == webFlowLog)
				return fl.object(recs), len(recs)
			}})
		}
	}
	return objs
}

// findingObjects lists GuardDuty's export objects: the updates exported
// together, every 15 minutes, one finding JSON per line.
func findingObjects() ([]object, int, error) {
	ids := map[string]bool{}
	byExport := map[time.Time][]byte{}
	counts := map[time.Time]int{}
	for _, f := range findings() {
		ids[f.ID] = true
		at := f.updated.Truncate(15 * time.Minute).Add(15 * time.Minute)
		b, err := json.Marshal(f)
		if err != nil {
			return nil, 0, fmt.Errorf("demo: finding %s: %w", f.ID, err)
		}
		byExport[at] = append(append(byExport[at], b...), '\n')
		counts[at]++
	}
	var objs []object
	for _, at := range slices.SortedFunc(maps.Keys(byExport), time.Time.Compare) {
		r := newRand("gd-export", uint64(at.Unix()))
		key := fmt.Sprintf("guardduty-export/AWSLogs/%s/GuardDuty/%s/%s/%s.jsonl.gz",
			MemberAccount, Region, at.Format("2006/01/02"), uuid(r))
		objs = append(objs, object{key, kindFinding, ready(byExport[at], counts[at])})
	}
	return objs, len(ids), nil
}

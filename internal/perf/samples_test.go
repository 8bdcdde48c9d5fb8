package perf_test

import (
	"context"
	"os"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
	"github.com/gumshoe-sec/gumshoe/internal/perf"
)

func TestMain(m *testing.M) {
	code := m.Run()
	demotest.Cleanup()
	os.Exit(code)
}

// TestSamplesBusyFirstThenCached: on the demo graph the busy half comes
// first and alternates with others, every sample is an entity of the
// kind with a last hour, and a second call reads the cache.
func TestSamplesBusyFirstThenCached(t *testing.T) {
	st := demotest.Open(t)
	ctx := context.Background()
	dir := t.TempDir()
	ss, err := perf.Samples(ctx, st.DB(), dir, graph.KindSession, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 6 {
		t.Fatalf("%d samples, want 6", len(ss))
	}
	keys := map[string]bool{}
	for i, s := range ss {
		if s.Kind != graph.KindSession || s.End.IsZero() || keys[s.Key] {
			t.Errorf("sample %d: %+v", i, s)
		}
		keys[s.Key] = true
		if busy := i%2 == 0; s.Busy != busy {
			t.Errorf("sample %d busy = %v, want alternating busy, random", i, s.Busy)
		}
	}
	if ss[0].Activity < ss[2].Activity || ss[2].Activity < ss[4].Activity {
		t.Errorf("busy samples not busiest first: %d, %d, %d", ss[0].Activity, ss[2].Activity, ss[4].Activity)
	}
	again, err := perf.Samples(ctx, nil, dir, graph.KindSession, 6)
	if err != nil || len(again) != 6 || again[3].Key != ss[3].Key {
		t.Errorf("cached samples: %v, %v", again, err)
	}
}

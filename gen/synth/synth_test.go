package synth

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteIsDeterministicAndWellFormed(t *testing.T) {
	opts := Options{Seed: 7, Accounts: 2, Events: 3000, EventsPerObject: 1000, Flows: 5000, FlowsPerObject: 2000}
	a, b := t.TempDir(), t.TempDir()
	wa, err := Write(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(b, opts); err != nil {
		t.Fatal(err)
	}
	if wa.Events != 3000 || wa.Flows != 5000 || wa.Objects != 6 {
		t.Fatalf("written = %+v", wa)
	}
	var events, flowLines int
	filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between runs", rel)
		}
		body := gunzip(t, path)
		if strings.HasSuffix(path, ".json.gz") {
			var doc struct{ Records []map[string]any }
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			events += len(doc.Records)
		} else {
			flowLines += strings.Count(body, "\n") - 1
		}
		return nil
	})
	if events != 3000 || flowLines != 5000 {
		t.Errorf("events = %d, flow lines = %d", events, flowLines)
	}
}

func gunzip(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

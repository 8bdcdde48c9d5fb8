package ingest_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

func TestKeepRawCopies(t *testing.T) {
	dir := t.TempDir()
	body := flowHeader + flowLine(50001) + flowLine(50002)
	path := filepath.Join(dir, "evil..name.log")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(t.TempDir(), "raw")
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, _ := ingest.NewDirSource(dir)
	if _, err := (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}, KeepRawDir: keep}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	copyPath := ingest.RawCopyPath(keep, "file://"+path)
	if !strings.HasPrefix(copyPath, keep+string(filepath.Separator)) {
		t.Fatalf("copy %s escapes %s", copyPath, keep)
	}
	f, err := os.Open(copyPath)
	if err != nil {
		t.Fatalf("no raw copy: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != body {
		t.Errorf("copy holds %q", got)
	}
}

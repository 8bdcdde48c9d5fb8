package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// TestDatabaseIsOwnerOnly checks the modes of everything a writer creates,
// with the umask cleared so that gumshoe's own modes are what is tested:
// SQLite gives the WAL and shared-memory files the database's mode.
func TestDatabaseIsOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "cases", "x")
	path := filepath.Join(dir, "g.db")
	st, err := Open(context.Background(), path, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := call("a", 1, "GetObject", false)
	commit(t, w, delta(&c))
	want := map[string]os.FileMode{
		filepath.Dir(dir): 0o700 | os.ModeDir, dir: 0o700 | os.ModeDir,
		path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600, path + ".lock": 0o600,
	}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), mode)
		}
	}
}

func delta(c *graph.APICall) *Delta {
	d := NewDelta(Checkpoint{URI: "ct/" + c.EventID, Complete: true, Records: 1})
	d.AddCall(c)
	return d
}

func TestPurgeRemovesEveryFileAndRefusesBesideAWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.db")
	ctx := context.Background()
	st, err := Open(ctx, path, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewPurge(path); !errors.Is(err, ErrWriterBusy) {
		t.Fatalf("purge beside a writer: %v, want ErrWriterBusy", err)
	}
	st.Close()
	other := filepath.Join(dir, "other.db")
	os.WriteFile(other, nil, 0o600)
	cache := filepath.Join(dir, "g.db.logs")
	os.MkdirAll(filepath.Join(cache, "a"), 0o700)
	os.WriteFile(filepath.Join(cache, "a", "f"), []byte("x"), 0o600)
	// A crashed writer leaves its WAL and shared memory behind.
	os.WriteFile(path+"-wal", nil, 0o600)
	os.WriteFile(path+"-shm", nil, 0o600)

	p, err := NewPurge(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.Files()); got != 4 {
		t.Errorf("files = %v, want the database, WAL, shm and lock", p.Files())
	}
	// The lock is held: no writer starts while the user confirms.
	if _, err := Open(ctx, path, Options{Write: true}); !errors.Is(err, ErrWriterBusy) {
		t.Errorf("writer during a purge: %v, want ErrWriterBusy", err)
	}
	if err := p.Remove(cache); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != "other.db" {
		t.Errorf("left in the folder: %v, want only other.db", left)
	}
	if _, err := NewPurge(path); err == nil {
		t.Error("purged a database that is gone")
	}
}

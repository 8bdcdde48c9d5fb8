package store

import (
	"errors"
	"fmt"
	"os"
)

// Purge removes a database and everything beside it, on request. It holds
// the writer lock from the moment it is made until the files are gone, so
// no ingest starts writing into what the user is about to remove.
type Purge struct {
	path string
	lock *os.File
}

// sideFiles are what SQLite and gumshoe keep beside a database: the WAL,
// its shared-memory index and a rollback journal (SQLite), and the writer
// lock (removed last, since Purge holds it).
var sideFiles = []string{"-wal", "-shm", "-journal"}

// NewPurge takes the writer lock of the database at path, refusing with
// ErrWriterBusy while another process writes it. Close releases the lock
// if the purge is abandoned.
func NewPurge(path string) (*Purge, error) {
	if len(existing(path, path+".lock")) == 0 {
		return nil, fmt.Errorf("%s: no such database", path)
	}
	lock, err := lockWriter(path, false)
	if errors.Is(err, ErrWriterBusy) {
		return nil, fmt.Errorf("%w; stop it before purging", err)
	}
	if err != nil {
		return nil, err
	}
	return &Purge{path: path, lock: lock}, nil
}

// Files lists the database's files that exist, the lock last.
func (p *Purge) Files() []string {
	names := []string{p.path}
	for _, s := range sideFiles {
		names = append(names, p.path+s)
	}
	return existing(append(names, p.path+".lock")...)
}

// Remove deletes the database's files and the paths in also (folders with
// everything in them), then the lock, and releases it. It goes on past a
// failure so that as much as possible is gone, and reports every failure.
func (p *Purge) Remove(also ...string) error {
	var errs []error
	files := p.Files()
	lockFile := files[len(files)-1]
	for _, f := range files[:len(files)-1] {
		errs = append(errs, os.Remove(f))
	}
	for _, a := range also {
		errs = append(errs, os.RemoveAll(a))
	}
	errs = append(errs, os.Remove(lockFile), p.Close())
	return errors.Join(errs...)
}

// Close releases the writer lock.
func (p *Purge) Close() error {
	if p.lock == nil {
		return nil
	}
	err := p.lock.Close()
	p.lock = nil
	return err
}

// existing returns the paths that exist.
func existing(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

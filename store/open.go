package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gumshoe-sec/gumshoe/graph"
	_ "github.com/mattn/go-sqlite3" // registers the sqlite3 driver
)

// Store is an open graph database.
type Store struct {
	path string
	// db is the reader pool; every connection is query-only.
	db *sql.DB
	// wdb is the single writer connection, present when opened for writing.
	wdb  *sql.DB
	lock *os.File
	// geo places addresses for profiles; nil when no GeoIP database is set.
	geo graph.Locator
}

// Options says how to open a database.
type Options struct {
	// Write opens the database for writing: it takes the writer lock and
	// applies pending migrations.
	Write bool
	// Wait makes a writer wait for another writer to finish instead of
	// refusing at once.
	Wait bool
}

// ErrWriterBusy is returned when another process writes the database.
var ErrWriterBusy = errors.New("another gumshoe process is writing this database")

// Open opens (creating it if asked to write) the database at path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	s := &Store{path: path}
	if opts.Write {
		if err := s.prepareFile(opts.Wait); err != nil {
			return nil, err
		}
		wdb, err := sql.Open("sqlite3", dsn(path, "_txlock=immediate"))
		if err != nil {
			s.Close()
			return nil, err
		}
		wdb.SetMaxOpenConns(1)
		s.wdb = wdb
		// Checkpoint the WAL every ~40 MB instead of every 4 MB: bulk ingest
		// commits big transactions, and each checkpoint costs a sync.
		if _, err := wdb.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 10000"); err != nil {
			s.Close()
			return nil, err
		}
		if err := migrate(ctx, wdb); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := sql.Open("sqlite3", dsn(path, "_query_only=1"))
	if err != nil {
		s.Close()
		return nil, err
	}
	db.SetMaxOpenConns(8)
	s.db = db
	if !opts.Write {
		if err := checkVersion(ctx, db); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return s, nil
}

func dsn(path string, extra ...string) string {
	q := []string{"_journal_mode=WAL", "_busy_timeout=10000", "_synchronous=NORMAL",
		"_cache_size=-65536"}
	q = append(q, extra...)
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + strings.Join(q, "&")
}

// prepareFile creates the database owner-only and takes the writer lock,
// a flock on a side file that the kernel releases if the process dies.
func (s *Store) prepareFile(wait bool) error {
	if dir := filepath.Dir(s.path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	f.Close()
	lock, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open writer lock: %w", err)
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(lock.Fd()), how); err != nil {
		holder, _ := os.ReadFile(s.path + ".lock")
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("%s: %w (pid %s); stop it or pass --wait", s.path, ErrWriterBusy, strings.TrimSpace(string(holder)))
		}
		return fmt.Errorf("lock %s: %w", s.path, err)
	}
	if err := lock.Truncate(0); err == nil {
		lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	s.lock = lock
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// DB is the read-only connection pool, for queries in other packages' tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database and releases the writer lock.
func (s *Store) Close() error {
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
	}
	return errors.Join(errs...)
}

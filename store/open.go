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
	"github.com/mattn/go-sqlite3" // also registers the sqlite3 driver
)

// Store is an open graph database.
type Store struct {
	path string
	// db is the reader pool; every connection is query-only.
	db *sql.DB
	// wdb is the single writer connection, present when opened for writing.
	wdb  *sql.DB
	lock *os.File
	// walLimit is the WAL size past which a commit forces a checkpoint.
	walLimit int64
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
	// MaxPages, when set, caps the database at that many pages (PRAGMA
	// max_page_count on the writer): past it writes fail as on a full disk.
	// Tests use it to run out of space without a small filesystem.
	MaxPages int
	// CheckpointPages is how many WAL pages trigger an automatic
	// checkpoint; 0 means 10000 (~40 MB).
	CheckpointPages int
}

// ErrWriterBusy is returned when another process writes the database.
var ErrWriterBusy = errors.New("another gumshoe process is writing this database")

// ErrDiskFull is returned (see WriteError) when a write ran out of space.
var ErrDiskFull = errors.New("disk full")

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
		if s.walLimit, err = writerPragmas(ctx, wdb, opts); err != nil {
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

// writerPragmas sets the writer connection's limits (the pool holds that
// one connection for the store's life) and returns the WAL size past
// which LimitWAL checkpoints.
func writerPragmas(ctx context.Context, wdb *sql.DB, opts Options) (int64, error) {
	// Checkpoint the WAL every ~40 MB instead of every 4 MB: bulk ingest
	// commits big transactions, and each checkpoint costs a sync.
	pages := 10000
	if opts.CheckpointPages > 0 {
		pages = opts.CheckpointPages
	}
	// The writer's page cache holds the trees bulk ingest inserts into at
	// random places (flow_by_remote, api_hour's indexes): in the 64 MB
	// every connection gets they soon outgrow it, and inserts reread pages.
	pragmas := []string{fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", pages), "PRAGMA cache_size = -262144"}
	if opts.MaxPages > 0 {
		pragmas = append(pragmas, fmt.Sprintf("PRAGMA max_page_count = %d", opts.MaxPages))
	}
	for _, p := range pragmas {
		if _, err := wdb.ExecContext(ctx, p); err != nil {
			return 0, err
		}
	}
	var pageSize int64
	err := wdb.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize)
	return 2 * int64(pages) * pageSize, err
}

// LimitWAL keeps the WAL from growing without bound beside busy readers.
// Automatic checkpoints are passive: they copy what no reader still needs,
// and the WAL starts over only at a moment when no reader uses it, which
// overlapping readers may never leave. Past twice the automatic threshold,
// LimitWAL runs a TRUNCATE checkpoint: it waits (busy timeout) for the
// readers of the moment to finish, while new readers read the database
// file, then empties the WAL. The writer calls it after commits.
func (s *Store) LimitWAL(ctx context.Context) error {
	if s.wdb == nil {
		return nil
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() <= s.walLimit {
		return nil
	}
	_, err = s.wdb.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// WriteError says in words that the database ran out of space, naming it,
// when a write failed with SQLITE_FULL; other errors pass unchanged. The
// failed transaction rolled back: nothing committed is lost, and a run
// started once space is freed resumes from the last checkpoint.
func (s *Store) WriteError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return fmt.Errorf("%s: %w: %w; free space and run again (nothing committed is lost)", s.path, ErrDiskFull, err)
	}
	return err
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
	lock, err := lockWriter(s.path, wait)
	if errors.Is(err, ErrWriterBusy) {
		return fmt.Errorf("%w; stop it or pass --wait", err)
	}
	s.lock = lock
	return err
}

// lockWriter takes the writer lock of the database at path, waiting for
// it or refusing with ErrWriterBusy (naming the holder's pid) at once.
func lockWriter(path string, wait bool) (*os.File, error) {
	lock, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open writer lock: %w", err)
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(lock.Fd()), how); err != nil {
		holder, _ := os.ReadFile(path + ".lock")
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (pid %s)", path, ErrWriterBusy, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := lock.Truncate(0); err == nil {
		lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return lock, nil
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

package store

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// v1Fixture is a database written by the schema-1 gumshoe: the retention
// graph (calls, flows, findings, coverage, a trail change), compacted with
// 1 KB pages. Rebuild it only while schema 1 is the newest, with
//
//	go test ./store -run TestV1Fixture -write-v1-fixture
//
// Once a 0002 migration exists the file is history and must not change.
const v1Fixture = "testdata/schema_v1.db"

var writeV1Fixture = flag.Bool("write-v1-fixture", false, "rebuild "+v1Fixture+" (schema 1 builds only)")

func TestV1Fixture(t *testing.T) {
	if !*writeV1Fixture {
		t.Skip("rebuilds the fixture only with -write-v1-fixture")
	}
	if SchemaVersion() != 1 {
		t.Fatalf("this build writes schema %d: the v1 fixture must come from a schema-1 gumshoe", SchemaVersion())
	}
	tmp := filepath.Join(t.TempDir(), "v1.db")
	st, err := Open(context.Background(), tmp, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	buildRetentionGraph(t, st)
	st.Close()
	db := rawDB(t, tmp)
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "PRAGMA page_size = 1024", "VACUUM"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	os.Remove(v1Fixture)
	if err := os.Rename(tmp, v1Fixture); err != nil {
		t.Fatal(err)
	}
}

// rawDB opens a database file with plain SQLite, past gumshoe's checks.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// copyFixture copies the v1 fixture where a test may change it.
func copyFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(v1Fixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestUpgradeFromV1InPlace opens a schema-1 database for writing: pending
// migrations apply in place and every entity and row is still there.
// While schema 1 is the newest this proves that opening changes nothing;
// from the first 0002 migration on it proves the upgrade.
func TestUpgradeFromV1InPlace(t *testing.T) {
	path := copyFixture(t)
	ctx := context.Background()
	before := graphDump(t, rawDB(t, path))
	if v, _ := userVersion(ctx, rawDB(t, path)); v != 1 {
		t.Fatalf("fixture at schema %d, want 1", v)
	}
	if SchemaVersion() > 1 {
		_, err := Open(ctx, path, Options{})
		if err == nil || !strings.Contains(err.Error(), "run `gumshoe ingest` once to upgrade") {
			t.Errorf("read-only open of a schema-1 database: %v, want a pointer to the upgrade", err)
		}
	}
	st, err := Open(ctx, path, Options{Write: true})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer st.Close()
	if v, _ := userVersion(ctx, st.DB()); v != SchemaVersion() {
		t.Errorf("after upgrade: schema %d, want %d", v, SchemaVersion())
	}
	if after := graphDump(t, st.DB()); after != before {
		t.Errorf("data changed in the upgrade:\n got %s\nwant %s", after, before)
	}
	var ok string
	if st.DB().QueryRow("PRAGMA integrity_check").Scan(&ok); ok != "ok" {
		t.Errorf("integrity_check after upgrade: %s", ok)
	}
	p, err := st.Profile(ctx, ProfileRequest{Key: "arn:aws:iam::123456789012:user/alice"})
	if err != nil || p.APIVolume == nil {
		t.Errorf("profile on the upgraded graph: %v", err)
	}
	// The upgraded graph takes new writes.
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := retCall("after-upgrade", "erin", retNow, "192.0.2.10", "aws-cli/2", "AKIAERIN")
	commit(t, w, delta(&c))
}

// TestNewerSchemaRefusedForReadAndWrite: a database from a newer gumshoe
// is refused with a message saying so, for reading as for writing, and is
// left as it was.
func TestNewerSchemaRefusedForReadAndWrite(t *testing.T) {
	path := copyFixture(t)
	ctx := context.Background()
	raw := rawDB(t, path)
	if _, err := raw.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	before := graphDump(t, raw)
	raw.Close()
	for _, opts := range []Options{{}, {Write: true}} {
		st, err := Open(ctx, path, opts)
		if err == nil {
			st.Close()
			t.Errorf("Open(%+v) of a schema-999 database succeeded", opts)
			continue
		}
		for _, s := range []string{path, "schema version 999 is newer", "upgrade gumshoe"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Open(%+v): %q does not say %q", opts, err, s)
			}
		}
	}
	after := rawDB(t, path)
	if v, _ := userVersion(ctx, after); v != 999 {
		t.Errorf("the refused database is at schema %d now", v)
	}
	if got := graphDump(t, after); got != before {
		t.Error("a refused open changed the data")
	}
}

// lastCreate finds the last object a migration creates.
var lastCreate = regexp.MustCompile(`(?is).*CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)`)

// TestFailedMigrationKeepsTheOldSchema makes the newest migration fail at
// its last statement, as a crash midway would stop it, by creating that
// statement's object beforehand: the migration's transaction rolls back,
// and the schema, the version and the data are what they were.
func TestFailedMigrationKeepsTheOldSchema(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	newest := ms[len(ms)-1]
	m := lastCreate.FindStringSubmatch(newest.sql)
	if m == nil {
		t.Fatalf("%s creates nothing this test can collide with: adapt the test to it", newest.name)
	}
	path := filepath.Join(t.TempDir(), "g.db")
	ctx := context.Background()
	db := rawDB(t, path)
	for _, older := range ms[:len(ms)-1] {
		if _, err := db.Exec(older.sql); err != nil {
			t.Fatal(err)
		}
	}
	setup := []string{
		fmt.Sprintf("PRAGMA user_version = %d", newest.version-1),
		fmt.Sprintf("CREATE TABLE %s (evidence TEXT)", m[1]),
		fmt.Sprintf("INSERT INTO %s VALUES ('kept')", m[1]),
	}
	for _, q := range setup {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	before := schemaOf(t, db)
	db.Close()

	_, err = Open(ctx, path, Options{Write: true})
	if err == nil || !strings.Contains(err.Error(), newest.name) {
		t.Fatalf("open with a failing %s: %v, want an error naming it", newest.name, err)
	}
	after := rawDB(t, path)
	if got := schemaOf(t, after); got != before {
		t.Errorf("schema after the failed migration:\n%s\nwant the old one:\n%s", got, before)
	}
	if v, _ := userVersion(ctx, after); v != newest.version-1 {
		t.Errorf("user_version = %d after the failed migration, want %d", v, newest.version-1)
	}
	var kept string
	if after.QueryRow("SELECT evidence FROM " + m[1]).Scan(&kept); kept != "kept" {
		t.Errorf("the old table's row is %q after the failed migration", kept)
	}
}

func schemaOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	var s sql.NullString
	if err := db.QueryRow(`SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s.String
}

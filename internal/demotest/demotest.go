// Package demotest builds the demo graph once per test binary, through the
// real ingest path, for tests that assert the reference investigations.
package demotest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/geo"
	"github.com/gumshoe-sec/gumshoe/ingest"
	"github.com/gumshoe-sec/gumshoe/store"
)

var built struct {
	once      sync.Once
	dir       string
	db        string
	city, asn string
	sum       ingest.Summary
	err       error
}

// Build returns the demo database's path and the ingest summary, building
// them on first use. Cleanup removes them; call it from TestMain.
func Build(t testing.TB) (string, ingest.Summary) {
	t.Helper()
	built.once.Do(func() { built.db, built.sum, built.err = build() })
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.db, built.sum
}

// Open opens the demo database read-only for one test, with the demo's
// GeoIP databases.
func Open(t testing.TB) *store.Store {
	db, _ := Build(t)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gdb, err := geo.Open(built.city, built.asn)
	if err != nil {
		t.Fatal(err)
	}
	st.SetLocator(gdb)
	t.Cleanup(func() {
		st.Close()
		gdb.Close()
	})
	return st
}

// Cleanup removes what Build wrote.
func Cleanup() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

func build() (string, ingest.Summary, error) {
	var sum ingest.Summary
	dir, err := os.MkdirTemp("", "gumshoe-demotest-")
	if err != nil {
		return "", sum, err
	}
	built.dir = dir
	logs := filepath.Join(dir, "logs")
	if _, err := demo.Write(logs); err != nil {
		return "", sum, err
	}
	if built.city, built.asn, err = demo.WriteGeo(filepath.Join(dir, "geoip")); err != nil {
		return "", sum, err
	}
	db := filepath.Join(dir, "demo.db")
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Write: true})
	if err != nil {
		return "", sum, err
	}
	defer st.Close()
	src, err := ingest.NewDirSource(logs)
	if err != nil {
		return "", sum, err
	}
	sum, err = (&ingest.Ingester{Store: st, Sources: []ingest.Source{src}}).Run(ctx)
	return db, sum, err
}

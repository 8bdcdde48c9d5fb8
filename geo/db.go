package geo

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// DB holds an optional city database and an optional ASN database. It is
// safe for concurrent use, Close included: lookups hold a read lock so
// that Close never unmaps a file under a running lookup. A nil *DB is a
// DB without databases, so callers need not check whether GeoIP is
// configured before asking.
type DB struct {
	mu       sync.RWMutex
	city     *maxminddb.Reader
	asn      *maxminddb.Reader
	cityPath string
	asnPath  string
}

// Open opens the GeoLite2-City-style database at cityPath and the
// GeoLite2-ASN-style database at asnPath; either may be "" to go without.
// The files are memory-mapped, not read into memory. A file that is not a
// MaxMind database, or is one of the other kind (an ASN database given as
// the city one), is an error naming it.
func Open(cityPath, asnPath string) (*DB, error) {
	d := &DB{cityPath: cityPath, asnPath: asnPath}
	var err error
	if cityPath != "" {
		if d.city, err = openKind(cityPath, "city", "ASN"); err != nil {
			return nil, err
		}
	}
	if asnPath != "" {
		if d.asn, err = openKind(asnPath, "ASN", "City", "Country"); err != nil {
			if d.city != nil {
				d.city.Close()
			}
			return nil, err
		}
	}
	return d, nil
}

// openKind opens the database at path and refuses it when its type names
// one of the wrong kinds. Only the swap is refused: GeoIP2, GeoLite2 and
// compatible databases (DB-IP's lite editions) differ in type names but
// share the record layout.
func openKind(path, kind string, wrong ...string) (*maxminddb.Reader, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geo: %s database %s: %w", kind, path, err)
	}
	for _, w := range wrong {
		if strings.Contains(r.Metadata.DatabaseType, w) {
			r.Close()
			return nil, fmt.Errorf("geo: %s database %s is a %s database", kind, path, r.Metadata.DatabaseType)
		}
	}
	return r, nil
}

// HasCity reports whether a city database is open, so that a panel can
// say "no GeoIP database configured" rather than "unknown location".
func (d *DB) HasCity() bool {
	if d == nil {
		return false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.city != nil
}

// HasASN reports whether an ASN database is open.
func (d *DB) HasASN() bool {
	if d == nil {
		return false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.asn != nil
}

// Close releases both databases. Lookups after Close find nothing; a
// second Close does nothing.
func (d *DB) Close() error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	if d.city != nil {
		if err := d.city.Close(); err != nil {
			errs = append(errs, fmt.Errorf("geo: close %s: %w", d.cityPath, err))
		}
		d.city = nil
	}
	if d.asn != nil {
		if err := d.asn.Close(); err != nil {
			errs = append(errs, fmt.Errorf("geo: close %s: %w", d.asnPath, err))
		}
		d.asn = nil
	}
	return errors.Join(errs...)
}

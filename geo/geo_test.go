package geo

import (
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
	"github.com/gumshoe-sec/gumshoe/graph"
)

// testPlaces cover a nested block, IPv6, a block with only an autonomous
// system, one with only a country, and coordinates near zero.
func testPlaces() []mmdbgen.Place {
	p := netip.MustParsePrefix
	return []mmdbgen.Place{
		{Prefix: p("192.0.2.128/25"), City: "Ashburn", Subdivision: "Virginia", SubdivisionCode: "VA",
			Country: "United States", CountryCode: "US", Lat: 39.0438, Lon: -77.4874, ASN: 64497, ASO: "Example Transit East"},
		{Prefix: p("192.0.2.0/24"), City: "Bellevue", Subdivision: "Washington", SubdivisionCode: "WA",
			Country: "United States", CountryCode: "US", Lat: 47.6101, Lon: -122.2015, ASN: 64496, ASO: "Example Fiber Northwest"},
		{Prefix: p("2001:db8:c1::/48"), City: "Denver", Subdivision: "Colorado", SubdivisionCode: "CO",
			Country: "United States", CountryCode: "US", Lat: 39.7392, Lon: -104.9903, ASN: 64511, ASO: "Example IPv6 Residential"},
		{Prefix: p("198.51.100.0/24"), ASN: 64510, ASO: "Example Scanning Research"},
		{Prefix: p("203.0.113.0/24"), Country: "Japan", CountryCode: "JP"},
		{Prefix: p("172.16.5.0/24"), City: "Null Island", Lat: -0.04, Lon: 0.96},
	}
}

func writeTestDBs(t testing.TB) (cityPath, asnPath string) {
	t.Helper()
	dir := t.TempDir()
	cityPath, asnPath = filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	if err := mmdbgen.Write(cityPath, asnPath, testPlaces()); err != nil {
		t.Fatal(err)
	}
	return cityPath, asnPath
}

func openTestDB(t testing.TB) *DB {
	t.Helper()
	d, err := Open(writeTestDBs(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

var (
	bellevue = Location{City: "Bellevue", Subdivision: "Washington", SubdivisionCode: "WA",
		Country: "United States", CountryCode: "US", Lat: 47.6, Lon: -122.2, ASN: 64496, ASO: "Example Fiber Northwest"}
	ashburn = Location{City: "Ashburn", Subdivision: "Virginia", SubdivisionCode: "VA",
		Country: "United States", CountryCode: "US", Lat: 39.0, Lon: -77.5, ASN: 64497, ASO: "Example Transit East"}
)

func TestLookup(t *testing.T) {
	d := openTestDB(t)
	for _, tc := range []struct {
		addr  string
		want  Location
		found bool
		place string
	}{
		{"192.0.2.10", bellevue, true, "Bellevue, WA, US"},
		{"::ffff:192.0.2.10", bellevue, true, "Bellevue, WA, US"},
		{"192.0.2.200", ashburn, true, "Ashburn, VA, US"}, // the nested /25 wins
		{"2001:db8:c1::5", Location{City: "Denver", Subdivision: "Colorado", SubdivisionCode: "CO",
			Country: "United States", CountryCode: "US", Lat: 39.7, Lon: -105.0, ASN: 64511, ASO: "Example IPv6 Residential"}, true, "Denver, CO, US"},
		{"198.51.100.7", Location{ASN: 64510, ASO: "Example Scanning Research"}, true, ""},
		{"203.0.113.9", Location{Country: "Japan", CountryCode: "JP"}, true, "JP"},
		{"172.16.5.1", Location{City: "Null Island", Lat: 0, Lon: 1}, true, "Null Island"},
		{"10.0.0.1", Location{}, false, ""},
		{"2001:db8:ffff::1", Location{}, false, ""},
		{"2001:db8:c2::1", Location{}, false, ""},
	} {
		got, found := d.Lookup(netip.MustParseAddr(tc.addr))
		if got != tc.want || found != tc.found {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v, %v", tc.addr, got, found, tc.want, tc.found)
		}
		if p := got.Place(); p != tc.place {
			t.Errorf("Lookup(%s).Place() = %q, want %q", tc.addr, p, tc.place)
		}
	}
}

func TestLookupRoundsWithoutNegativeZero(t *testing.T) {
	got, _ := openTestDB(t).Lookup(netip.MustParseAddr("172.16.5.1"))
	if math.Signbit(got.Lat) {
		t.Errorf("Lat %v: -0.04 must round to 0, not -0", got.Lat)
	}
}

func TestLookupInvalidAddress(t *testing.T) {
	if loc, found := openTestDB(t).Lookup(netip.Addr{}); found || loc != (Location{}) {
		t.Errorf("zero Addr: %+v, %v", loc, found)
	}
}

func TestOpenOneDatabase(t *testing.T) {
	cityPath, asnPath := writeTestDBs(t)
	ip := netip.MustParseAddr("192.0.2.10")

	cityOnly, err := Open(cityPath, "")
	if err != nil {
		t.Fatal(err)
	}
	defer cityOnly.Close()
	want := bellevue
	want.ASN, want.ASO = 0, ""
	if got, found := cityOnly.Lookup(ip); got != want || !found {
		t.Errorf("city only: %+v, %v; want %+v", got, found, want)
	}
	if !cityOnly.HasCity() || cityOnly.HasASN() {
		t.Errorf("city only: HasCity %v HasASN %v", cityOnly.HasCity(), cityOnly.HasASN())
	}

	asnOnly, err := Open("", asnPath)
	if err != nil {
		t.Fatal(err)
	}
	defer asnOnly.Close()
	want = Location{ASN: bellevue.ASN, ASO: bellevue.ASO}
	if got, found := asnOnly.Lookup(ip); got != want || !found {
		t.Errorf("ASN only: %+v, %v; want %+v", got, found, want)
	}
	if asnOnly.HasCity() || !asnOnly.HasASN() {
		t.Errorf("ASN only: HasCity %v HasASN %v", asnOnly.HasCity(), asnOnly.HasASN())
	}
	if _, found := asnOnly.Lookup(netip.MustParseAddr("203.0.113.9")); found {
		t.Error("ASN only: a block with only a country was found")
	}

	none, err := Open("", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, found := none.Lookup(ip); found || none.HasCity() || none.HasASN() {
		t.Error("no databases: something was found")
	}
}

func TestNilDB(t *testing.T) {
	var d *DB
	if _, found := d.Lookup(netip.MustParseAddr("192.0.2.10")); found {
		t.Error("nil DB found an address")
	}
	if d.HasCity() || d.HasASN() {
		t.Error("nil DB has a database")
	}
	if err := d.Close(); err != nil {
		t.Error(err)
	}
}

func TestOpenErrorsNameTheFile(t *testing.T) {
	cityPath, asnPath := writeTestDBs(t)
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.mmdb")
	if err := os.WriteFile(corrupt, []byte(strings.Repeat("not a MaxMind database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.mmdb")
	whole, err := os.ReadFile(cityPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.mmdb")
	for _, tc := range []struct {
		name, city, asn, bad string
	}{
		{"corrupt city", corrupt, asnPath, corrupt},
		{"corrupt ASN", cityPath, corrupt, corrupt},
		{"truncated city", truncated, "", truncated},
		{"missing city", missing, "", missing},
		{"missing ASN", "", missing, missing},
		{"swapped", asnPath, cityPath, asnPath},
		{"city as ASN", cityPath, cityPath, cityPath},
	} {
		d, err := Open(tc.city, tc.asn)
		if err == nil {
			d.Close()
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if d != nil {
			t.Errorf("%s: a DB and an error", tc.name)
		}
		if !strings.Contains(err.Error(), tc.bad) {
			t.Errorf("%s: error %q does not name %s", tc.name, err, tc.bad)
		}
	}
}

func TestCloseStopsLookups(t *testing.T) {
	d, err := Open(writeTestDBs(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, found := d.Lookup(netip.MustParseAddr("192.0.2.10")); found || d.HasCity() || d.HasASN() {
		t.Error("closed DB still answers")
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestConcurrentLookupsAndClose is for the race detector: Close must wait
// for lookups under way, and lookups after it find nothing.
func TestConcurrentLookupsAndClose(t *testing.T) {
	d, err := Open(writeTestDBs(t))
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr("192.0.2.10")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				if loc, found := d.Lookup(ip); found && loc != bellevue {
					t.Errorf("concurrent Lookup = %+v", loc)
					return
				}
			}
		})
	}
	if err := d.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
}

func TestLocateIsALocator(t *testing.T) {
	var _ graph.Locator = (*DB)(nil)
	var d *DB
	if _, ok := d.Locate(netip.MustParseAddr("192.0.2.1")); ok {
		t.Error("a nil DB located an address")
	}
}

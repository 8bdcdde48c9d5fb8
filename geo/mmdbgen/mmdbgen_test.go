package mmdbgen

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"
)

var bellevue = Place{
	Prefix: netip.MustParsePrefix("192.0.2.0/26"), City: "Bellevue", Subdivision: "Washington", SubdivisionCode: "WA",
	Country: "United States", CountryCode: "US", Lat: 47.6101, Lon: -122.2015, ASN: 64496, ASO: "Example Fiber Northwest",
}

func writeTemp(t *testing.T, places []Place) (cityPath, asnPath string) {
	t.Helper()
	dir := t.TempDir()
	cityPath, asnPath = filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	if err := Write(cityPath, asnPath, places); err != nil {
		t.Fatal(err)
	}
	return cityPath, asnPath
}

func record(t *testing.T, path, addr string) (map[string]any, string) {
	t.Helper()
	r, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Verify(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rec map[string]any
	if err := r.Lookup(netip.MustParseAddr(addr)).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	return rec, r.Metadata.DatabaseType
}

// TestGeoLite2Layout decodes the records generically and compares them
// with the shapes of MaxMind's GeoLite2 databases, independently of the
// reader in geo.
func TestGeoLite2Layout(t *testing.T) {
	cityPath, asnPath := writeTemp(t, []Place{bellevue})
	en := func(s string) map[string]any { return map[string]any{"en": s} }
	country := map[string]any{"iso_code": "US", "names": en("United States")}

	city, cityType := record(t, cityPath, "192.0.2.10")
	wantCity := map[string]any{
		"city":               map[string]any{"names": en("Bellevue")},
		"subdivisions":       []any{map[string]any{"iso_code": "WA", "names": en("Washington")}},
		"country":            country,
		"registered_country": country,
		"location":           map[string]any{"accuracy_radius": uint64(accuracyRadius), "latitude": 47.6101, "longitude": -122.2015},
	}
	if !reflect.DeepEqual(city, wantCity) || cityType != "GeoLite2-City" {
		t.Errorf("city record %s %#v\nwant %#v", cityType, city, wantCity)
	}

	asn, asnType := record(t, asnPath, "192.0.2.10")
	wantASN := map[string]any{"autonomous_system_number": uint64(64496), "autonomous_system_organization": "Example Fiber Northwest"}
	if !reflect.DeepEqual(asn, wantASN) || asnType != "GeoLite2-ASN" {
		t.Errorf("ASN record %s %#v, want %#v", asnType, asn, wantASN)
	}
}

func TestEmptyFieldsLeftOut(t *testing.T) {
	cityPath, asnPath := writeTemp(t, []Place{{Prefix: netip.MustParsePrefix("2001:db8::/32"), CountryCode: "JP"}})
	city, _ := record(t, cityPath, "2001:db8::1")
	want := map[string]any{"country": map[string]any{"iso_code": "JP"}, "registered_country": map[string]any{"iso_code": "JP"}}
	if !reflect.DeepEqual(city, want) {
		t.Errorf("city record %#v, want %#v", city, want)
	}
	if asn, _ := record(t, asnPath, "2001:db8::1"); asn != nil {
		t.Errorf("ASN record %#v for a place without an autonomous system", asn)
	}
}

// TestDeterministic writes the same places in two orders: the bytes are
// the same, and the narrower block wins in both.
func TestDeterministic(t *testing.T) {
	wide := Place{Prefix: netip.MustParsePrefix("192.0.2.0/24"), City: "Dallas", ASN: 64509}
	c1, a1 := writeTemp(t, []Place{bellevue, wide})
	c2, a2 := writeTemp(t, []Place{wide, bellevue})
	for _, pair := range [][2]string{{c1, c2}, {a1, a2}} {
		b1, err1 := os.ReadFile(pair[0])
		b2, err2 := os.ReadFile(pair[1])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s and %s differ", pair[0], pair[1])
		}
	}
	if city, _ := record(t, c1, "192.0.2.10"); !reflect.DeepEqual(city["city"], map[string]any{"names": map[string]any{"en": "Bellevue"}}) {
		t.Errorf("192.0.2.10 in %#v, want Bellevue", city["city"])
	}
	if city, _ := record(t, c1, "192.0.2.100"); !reflect.DeepEqual(city["city"], map[string]any{"names": map[string]any{"en": "Dallas"}}) {
		t.Errorf("192.0.2.100 in %#v, want Dallas", city["city"])
	}
}

func TestWriteRefusesBadPlaces(t *testing.T) {
	dir := t.TempDir()
	cityPath := filepath.Join(dir, "city.mmdb")
	for _, tc := range []struct {
		name  string
		place Place
		want  string
	}{
		{"no prefix", Place{City: "Nowhere"}, "invalid prefix"},
		{"latitude", Place{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Lat: 91}, "out of range"},
	} {
		err := Write(cityPath, "", []Place{tc.place})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := os.Stat(cityPath); !os.IsNotExist(err) {
		t.Errorf("a refused Write left %s: %v", cityPath, err)
	}
}

func TestWriteErrorNamesFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no-such-dir", "city.mmdb")
	if err := Write(bad, "", []Place{bellevue}); err == nil || !strings.Contains(err.Error(), "no-such-dir") {
		t.Errorf("error %v does not name %s", err, bad)
	}
}

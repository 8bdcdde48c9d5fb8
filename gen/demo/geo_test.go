package demo

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/gumshoe-sec/gumshoe/geo"
)

func openDemoGeo(t *testing.T) *geo.DB {
	t.Helper()
	cityPath, asnPath, err := WriteGeo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := geo.Open(cityPath, asnPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func lookup(t *testing.T, db *geo.DB, addr string) geo.Location {
	t.Helper()
	loc, found := db.Lookup(netip.MustParseAddr(addr))
	if !found {
		t.Fatalf("%s: not in the demo GeoIP databases", addr)
	}
	return loc
}

// TestGeoSarasPlaces: the incident comes from a place sara always works
// from, and the Tor nodes are elsewhere.
func TestGeoSarasPlaces(t *testing.T) {
	db := openDemoGeo(t)
	for _, tc := range []struct {
		ips                  []string
		city, subdivision, p string
		asn                  uint32
	}{
		{SaraBellevueIPs[:], "Bellevue", "WA", "Bellevue, WA, US", 64496},
		{SaraAshburnIPs[:], "Ashburn", "VA", "Ashburn, VA, US", 64497},
	} {
		for _, ip := range tc.ips {
			loc := lookup(t, db, ip)
			if loc.City != tc.city || loc.SubdivisionCode != tc.subdivision || loc.CountryCode != "US" || loc.ASN != tc.asn || loc.Place() != tc.p {
				t.Errorf("%s: %+v (%q), want %s", ip, loc, loc.Place(), tc.p)
			}
		}
	}
	for _, ip := range TorRemoteIPs {
		loc := lookup(t, db, ip)
		if loc.City == "" || loc.City == "Bellevue" || loc.City == "Ashburn" || loc.ASN == 64496 || loc.ASN == 64497 {
			t.Errorf("Tor node %s: %+v, want a place and network of its own", ip, loc)
		}
	}
}

// TestGeoAgreesWithGuardDuty: every remote address the findings describe
// resolves to the same city and autonomous system in the databases, IPv6
// included; private addresses stay unknown.
func TestGeoAgreesWithGuardDuty(t *testing.T) {
	db := openDemoGeo(t)
	remotes := []string{PortUnusualIP, PortProbeIP, UpdateServerIP, UnloggedCallerIP, AliceIP, AliceIPv6, BobIP, OrgAdminIP}
	remotes = append(remotes, TorRemoteIPs[:]...)
	remotes = append(remotes, SpikeIPs[:]...)
	remotes = append(remotes, SSHBruteIPs[:]...)
	for _, ip := range remotes {
		pl, ok := placeOf(ip)
		if !ok {
			t.Errorf("%s: no Place", ip)
			continue
		}
		loc := lookup(t, db, ip)
		if loc.City != pl.City || loc.CountryCode != pl.CountryCode || loc.ASN != pl.ASN || loc.ASO != pl.ASO {
			t.Errorf("%s: databases say %+v, GuardDuty %s AS%d %s", ip, loc, pl.City, pl.ASN, pl.ASO)
		}
	}
	for _, ip := range []string{InstanceIP, AppInstanceIP, ResolverIP, Port22BigPeer} {
		if loc, found := db.Lookup(netip.MustParseAddr(ip)); found {
			t.Errorf("private %s placed at %+v", ip, loc)
		}
	}
}

func TestWriteGeoDeterministic(t *testing.T) {
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for _, dir := range dirs {
		if _, _, err := WriteGeo(dir); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{GeoCityFile, GeoASNFile} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

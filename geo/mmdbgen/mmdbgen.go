// Package mmdbgen writes small MaxMind databases in the GeoLite2-City and
// GeoLite2-ASN record layouts from a list of address blocks. Tests and the
// demo use it instead of MaxMind's data, which is licensed to each user
// and far bigger than a fixture needs, and it writes the real layout so
// that the reader in geo is tested against what it will meet.
package mmdbgen

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"

	"github.com/maxmind/mmdbwriter"
)

// Place is one block of addresses and what the databases say about it.
// Empty strings, zero coordinates and a zero ASN are left out of the
// records, as GeoLite2 leaves out what it does not know.
type Place struct {
	Prefix netip.Prefix
	City   string
	// Subdivision is the English name ("Washington"), SubdivisionCode the
	// ISO 3166-2 code without the country part ("WA").
	Subdivision, SubdivisionCode string
	Country, CountryCode         string
	Lat, Lon                     float64
	ASN                          uint32
	// ASO is the autonomous system's organisation.
	ASO string
}

// buildEpoch is the build time written into every database: a fixed one,
// so that the same places always give the same bytes. 2026-01-01 UTC.
const buildEpoch = 1767225600

// Write writes a city database to cityPath and an ASN database to asnPath;
// either may be "" to skip it. Where prefixes nest, the most specific
// applies, whatever the order of places. Documentation and private ranges
// are accepted: fixtures live there. Each file is written beside its final
// name and renamed into place, because a running gumshoe may have the old
// file memory-mapped and must never see it rewritten in place.
func Write(cityPath, asnPath string, places []Place) error {
	sorted, err := checked(places)
	if err != nil {
		return err
	}
	if cityPath != "" {
		if err := write(cityPath, "GeoLite2-City", sorted, cityRecord); err != nil {
			return err
		}
	}
	if asnPath != "" {
		if err := write(asnPath, "GeoLite2-ASN", sorted, asnRecord); err != nil {
			return err
		}
	}
	return nil
}

// checked validates places and returns a copy ordered from the widest
// prefix to the narrowest: each insert replaces what it covers, so the
// narrow blocks must come last to win.
func checked(places []Place) ([]Place, error) {
	for i, p := range places {
		switch {
		case !p.Prefix.IsValid():
			return nil, fmt.Errorf("mmdbgen: place %d (%s): invalid prefix", i, p.City)
		case math.Abs(p.Lat) > 90 || math.Abs(p.Lon) > 180:
			return nil, fmt.Errorf("mmdbgen: place %d (%s): coordinates %v,%v out of range", i, p.Prefix, p.Lat, p.Lon)
		}
	}
	sorted := slices.Clone(places)
	slices.SortStableFunc(sorted, func(a, b Place) int { return a.Prefix.Bits() - b.Prefix.Bits() })
	return sorted, nil
}

// ipNet converts to the type mmdbwriter takes. An IPv4 prefix stays four
// bytes long so that the writer puts it in the IPv4 subtree (::/96).
func ipNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// newTree makes an IPv6 tree, which holds IPv4 too, as GeoLite2's do,
// with IPv4 aliasing kept (::ffff:0:0/96 leads to the IPv4 subtree) and
// reserved networks allowed.
func newTree(dbType string) (*mmdbwriter.Tree, error) {
	return mmdbwriter.New(mmdbwriter.Options{
		BuildEpoch:              buildEpoch,
		DatabaseType:            dbType,
		Description:             map[string]string{"en": "gumshoe test data in the " + dbType + " layout; not MaxMind data"},
		Languages:               []string{"en"},
		IncludeReservedNetworks: true,
		RecordSize:              24,
	})
}

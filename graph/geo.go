package graph

import "net/netip"

// Place is where an address is, as a GeoIP database says.
type Place struct {
	Label string  `json:"place"` // "Bellevue, WA, US"
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	ASO   string  `json:"aso,omitempty"`
}

// Locator finds the place of an address. A nil Locator knows nothing;
// panels then say that no GeoIP database is configured.
type Locator interface {
	Locate(addr netip.Addr) (Place, bool)
}

package geo

import (
	"net/netip"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// Locate makes a DB a graph.Locator, the view of it that profiles use.
func (d *DB) Locate(ip netip.Addr) (graph.Place, bool) {
	l, ok := d.Lookup(ip)
	if !ok {
		return graph.Place{}, false
	}
	return graph.Place{Label: l.Place(), Lat: l.Lat, Lon: l.Lon, ASO: l.ASO}, true
}

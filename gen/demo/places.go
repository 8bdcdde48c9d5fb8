package demo

import "net/netip"

// Place is where the scenario puts a block of public addresses, with the
// autonomous system that announces it. GuardDuty's remoteIpDetails are
// written from these, and a GeoIP fixture for the demo should say the same,
// so that "sara works from Bellevue and Ashburn" holds in every panel.
// ASNs are from the documentation range 64496-64511.
type Place struct {
	Prefix   netip.Prefix
	City     string
	Country  string
	Lat, Lon float64
	ASN      int
	ASNOrg   string
}

// Places returns the scenario's address blocks. Where blocks nest, the
// most specific one applies.
func Places() []Place {
	p := netip.MustParsePrefix
	return []Place{
		{p("192.0.2.0/26"), "Bellevue", "United States", 47.6101, -122.2015, 64496, "Example Fiber Northwest"},
		{p("192.0.2.64/26"), "Ashburn", "United States", 39.0438, -77.4874, 64497, "Example Transit East"},
		{p("192.0.2.128/27"), "Portland", "United States", 45.5152, -122.6784, 64498, "Example Cable Oregon"},
		{p("192.0.2.160/27"), "Dublin", "Ireland", 53.3498, -6.2603, 64499, "Example Telecom Eireann"},
		{p("192.0.2.192/26"), "Frankfurt am Main", "Germany", 50.1109, 8.6821, 64500, "Example Backup Services GmbH"},
		{p("198.51.100.140/32"), "Las Vegas", "United States", 36.1699, -115.1398, 64510, "Example Scanning Research"},
		{p("198.51.100.200/29"), "Amsterdam", "Netherlands", 52.3676, 4.9041, 64501, "Example Hosting BV"},
		{p("198.51.100.254/32"), "Seoul", "South Korea", 37.5665, 126.978, 64502, "Example Broadband Korea"},
		{p("198.51.100.100/30"), "Ashburn", "United States", 39.0438, -77.4874, 64497, "Example Transit East"},
		{p("198.51.100.128/26"), "Singapore", "Singapore", 1.3521, 103.8198, 64503, "Example Cloud Asia"},
		{p("198.51.100.0/25"), "Chicago", "United States", 41.8781, -87.6298, 64504, "Example Residential Midwest"},
		{p("203.0.113.83/32"), "Sao Paulo", "Brazil", -23.5505, -46.6333, 64505, "Example Provedor Brasil"},
		{p("203.0.113.150/32"), "Helsinki", "Finland", 60.1699, 24.9384, 64506, "Example Servers Oy"},
		{p("203.0.113.200/29"), "Bucharest", "Romania", 44.4268, 26.1025, 64507, "Example Net SRL"},
		{p("203.0.113.240/28"), "Toronto", "Canada", 43.6532, -79.3832, 64508, "Example Partner Networks"},
		{p("203.0.113.0/24"), "Dallas", "United States", 32.7767, -96.797, 64509, "Example Mobile South"},
		{p("2001:db8:a11c::/48"), "Portland", "United States", 45.5152, -122.6784, 64498, "Example Cable Oregon"},
		{p("2001:db8:c1::/48"), "Denver", "United States", 39.7392, -104.9903, 64511, "Example IPv6 Residential"},
	}
}

// placeOf returns the most specific Place of addr.
func placeOf(addr string) (Place, bool) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return Place{}, false
	}
	best, found := Place{}, false
	for _, pl := range Places() {
		if pl.Prefix.Contains(a) && (!found || pl.Prefix.Bits() > best.Prefix.Bits()) {
			best, found = pl, true
		}
	}
	return best, found
}

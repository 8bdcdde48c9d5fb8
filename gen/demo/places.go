package demo

import (
	"net/netip"

	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
)

// Places returns where the scenario puts each block of public addresses,
// with the autonomous system that announces it. GuardDuty's
// remoteIpDetails are written from these and WriteGeo builds the demo's
// GeoIP databases from them, so "sara works from Bellevue and Ashburn"
// holds in every panel. Where blocks nest, the most specific one applies.
// ASNs are from the documentation range 64496-64511; subdivision codes are
// ISO 3166-2 as GeoLite2 writes them (Leinster "L", Uusimaa "18").
func Places() []mmdbgen.Place {
	p := netip.MustParsePrefix
	return []mmdbgen.Place{
		{Prefix: p("192.0.2.0/26"), City: "Bellevue", Subdivision: "Washington", SubdivisionCode: "WA", Country: "United States", CountryCode: "US",
			Lat: 47.6101, Lon: -122.2015, ASN: 64496, ASO: "Example Fiber Northwest"},
		{Prefix: p("192.0.2.64/26"), City: "Ashburn", Subdivision: "Virginia", SubdivisionCode: "VA", Country: "United States", CountryCode: "US",
			Lat: 39.0438, Lon: -77.4874, ASN: 64497, ASO: "Example Transit East"},
		{Prefix: p("192.0.2.128/27"), City: "Portland", Subdivision: "Oregon", SubdivisionCode: "OR", Country: "United States", CountryCode: "US",
			Lat: 45.5152, Lon: -122.6784, ASN: 64498, ASO: "Example Cable Oregon"},
		{Prefix: p("192.0.2.160/27"), City: "Dublin", Subdivision: "Leinster", SubdivisionCode: "L", Country: "Ireland", CountryCode: "IE",
			Lat: 53.3498, Lon: -6.2603, ASN: 64499, ASO: "Example Telecom Eireann"},
		{Prefix: p("192.0.2.192/26"), City: "Frankfurt am Main", Subdivision: "Hesse", SubdivisionCode: "HE", Country: "Germany", CountryCode: "DE",
			Lat: 50.1109, Lon: 8.6821, ASN: 64500, ASO: "Example Backup Services GmbH"},
		{Prefix: p("198.51.100.140/32"), City: "Las Vegas", Subdivision: "Nevada", SubdivisionCode: "NV", Country: "United States", CountryCode: "US",
			Lat: 36.1699, Lon: -115.1398, ASN: 64510, ASO: "Example Scanning Research"},
		{Prefix: p("198.51.100.200/29"), City: "Amsterdam", Subdivision: "North Holland", SubdivisionCode: "NH", Country: "Netherlands", CountryCode: "NL",
			Lat: 52.3676, Lon: 4.9041, ASN: 64501, ASO: "Example Hosting BV"},
		{Prefix: p("198.51.100.254/32"), City: "Seoul", Subdivision: "Seoul", SubdivisionCode: "11", Country: "South Korea", CountryCode: "KR",
			Lat: 37.5665, Lon: 126.978, ASN: 64502, ASO: "Example Broadband Korea"},
		{Prefix: p("198.51.100.100/30"), City: "Ashburn", Subdivision: "Virginia", SubdivisionCode: "VA", Country: "United States", CountryCode: "US",
			Lat: 39.0438, Lon: -77.4874, ASN: 64497, ASO: "Example Transit East"},
		// Singapore has no subdivision in GeoLite2.
		{Prefix: p("198.51.100.128/26"), City: "Singapore", Country: "Singapore", CountryCode: "SG",
			Lat: 1.3521, Lon: 103.8198, ASN: 64503, ASO: "Example Cloud Asia"},
		{Prefix: p("198.51.100.0/25"), City: "Chicago", Subdivision: "Illinois", SubdivisionCode: "IL", Country: "United States", CountryCode: "US",
			Lat: 41.8781, Lon: -87.6298, ASN: 64504, ASO: "Example Residential Midwest"},
		{Prefix: p("203.0.113.83/32"), City: "Sao Paulo", Subdivision: "Sao Paulo", SubdivisionCode: "SP", Country: "Brazil", CountryCode: "BR",
			Lat: -23.5505, Lon: -46.6333, ASN: 64505, ASO: "Example Provedor Brasil"},
		{Prefix: p("203.0.113.150/32"), City: "Helsinki", Subdivision: "Uusimaa", SubdivisionCode: "18", Country: "Finland", CountryCode: "FI",
			Lat: 60.1699, Lon: 24.9384, ASN: 64506, ASO: "Example Servers Oy"},
		{Prefix: p("203.0.113.200/29"), City: "Bucharest", Subdivision: "Bucharest", SubdivisionCode: "B", Country: "Romania", CountryCode: "RO",
			Lat: 44.4268, Lon: 26.1025, ASN: 64507, ASO: "Example Net SRL"},
		{Prefix: p("203.0.113.240/28"), City: "Toronto", Subdivision: "Ontario", SubdivisionCode: "ON", Country: "Canada", CountryCode: "CA",
			Lat: 43.6532, Lon: -79.3832, ASN: 64508, ASO: "Example Partner Networks"},
		{Prefix: p("203.0.113.0/24"), City: "Dallas", Subdivision: "Texas", SubdivisionCode: "TX", Country: "United States", CountryCode: "US",
			Lat: 32.7767, Lon: -96.797, ASN: 64509, ASO: "Example Mobile South"},
		{Prefix: p("2001:db8:a11c::/48"), City: "Portland", Subdivision: "Oregon", SubdivisionCode: "OR", Country: "United States", CountryCode: "US",
			Lat: 45.5152, Lon: -122.6784, ASN: 64498, ASO: "Example Cable Oregon"},
		{Prefix: p("2001:db8:c1::/48"), City: "Denver", Subdivision: "Colorado", SubdivisionCode: "CO", Country: "United States", CountryCode: "US",
			Lat: 39.7392, Lon: -104.9903, ASN: 64511, ASO: "Example IPv6 Residential"},
	}
}

// placeOf returns the most specific Place of addr.
func placeOf(addr string) (mmdbgen.Place, bool) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return mmdbgen.Place{}, false
	}
	best, found := mmdbgen.Place{}, false
	for _, pl := range Places() {
		if pl.Prefix.Contains(a) && (!found || pl.Prefix.Bits() > best.Prefix.Bits()) {
			best, found = pl, true
		}
	}
	return best, found
}

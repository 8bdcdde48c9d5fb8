package synth

import (
	"fmt"
	"net/netip"

	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
)

// homeBlocks is how many /22 blocks of 198.51.0.0/16 people live in.
const homeBlocks = 25

type city struct {
	name, sub, subCode, country, cc string
	lat, lon                        float64
	aso                             string
}

var cities = []city{
	{"Seattle", "Washington", "WA", "United States", "US", 47.6062, -122.3321, "Example Fiber Northwest"},
	{"Bellevue", "Washington", "WA", "United States", "US", 47.6101, -122.2015, "Example Fiber Northwest"},
	{"Portland", "Oregon", "OR", "United States", "US", 45.5152, -122.6784, "Example Cable Oregon"},
	{"San Francisco", "California", "CA", "United States", "US", 37.7749, -122.4194, "Example Bay Networks"},
	{"Austin", "Texas", "TX", "United States", "US", 30.2672, -97.7431, "Example Lone Star Broadband"},
	{"Chicago", "Illinois", "IL", "United States", "US", 41.8781, -87.6298, "Example Midwest Cable"},
	{"New York", "New York", "NY", "United States", "US", 40.7128, -74.006, "Example Metro Fiber"},
	{"Ashburn", "Virginia", "VA", "United States", "US", 39.0438, -77.4874, "Example Transit East"},
	{"Toronto", "Ontario", "ON", "Canada", "CA", 43.6532, -79.3832, "Example Maple Telecom"},
	{"London", "England", "ENG", "United Kingdom", "GB", 51.5074, -0.1278, "Example Thames Broadband"},
	{"Dublin", "Leinster", "L", "Ireland", "IE", 53.3498, -6.2603, "Example Telecom Eireann"},
	{"Amsterdam", "North Holland", "NH", "Netherlands", "NL", 52.3676, 4.9041, "Example Hosting BV"},
	{"Frankfurt am Main", "Hesse", "HE", "Germany", "DE", 50.1109, 8.6821, "Example Backbone GmbH"},
	{"Paris", "Ile-de-France", "IDF", "France", "FR", 48.8566, 2.3522, "Example Reseau SA"},
	{"Madrid", "Madrid", "MD", "Spain", "ES", 40.4168, -3.7038, "Example Iberia Net"},
	{"Stockholm", "Stockholm County", "AB", "Sweden", "SE", 59.3293, 18.0686, "Example Nordic Fiber"},
	{"Warsaw", "Mazovia", "14", "Poland", "PL", 52.2297, 21.0122, "Example Vistula Net"},
	{"Bangalore", "Karnataka", "KA", "India", "IN", 12.9716, 77.5946, "Example Deccan Broadband"},
	{"Singapore", "", "", "Singapore", "SG", 1.3521, 103.8198, "Example Cloud Asia"},
	{"Tokyo", "Tokyo", "13", "Japan", "JP", 35.6762, 139.6503, "Example Kanto Fiber"},
	{"Seoul", "Seoul", "11", "South Korea", "KR", 37.5665, 126.978, "Example Broadband Korea"},
	{"Sydney", "New South Wales", "NSW", "Australia", "AU", -33.8688, 151.2093, "Example Harbour Net"},
	{"Sao Paulo", "Sao Paulo", "SP", "Brazil", "BR", -23.5505, -46.6333, "Example Paulista Telecom"},
	{"Mexico City", "Mexico City", "CMX", "Mexico", "MX", 19.4326, -99.1332, "Example Azteca Cable"},
	{"Johannesburg", "Gauteng", "GP", "South Africa", "ZA", -26.2041, 28.0473, "Example Highveld Net"},
	{"Lagos", "Lagos", "LA", "Nigeria", "NG", 6.5244, 3.3792, "Example Lagoon Telecom"},
	{"Moscow", "Moscow", "MOW", "Russia", "RU", 55.7558, 37.6173, "Example Volga Hosting"},
	{"Bucharest", "Bucharest", "B", "Romania", "RO", 44.4268, 26.1025, "Example Carpathian VPS"},
}

// Places says where the world's public addresses are, for a GeoIP
// database built with mmdbgen: people's addresses (198.51.0.0/16, one
// city per /22), internet clients of web servers (203.0.0.0/16, one city
// per /20), cloud endpoints instances call (198.18.0.0/15) and the
// addresses of anomalies and findings (203.0.113.0/24, hosting and VPN
// providers far from anyone's home). Private addresses stay unknown.
func Places() []mmdbgen.Place {
	var out []mmdbgen.Place
	add := func(prefix string, c city, asn uint32) {
		out = append(out, mmdbgen.Place{Prefix: netip.MustParsePrefix(prefix), City: c.name, Subdivision: c.sub,
			SubdivisionCode: c.subCode, Country: c.country, CountryCode: c.cc, Lat: c.lat, Lon: c.lon, ASN: asn, ASO: c.aso})
	}
	for b := 0; b < homeBlocks; b++ {
		add(fmt.Sprintf("198.51.%d.0/22", 4*b), cities[b%len(cities)], asnOf(b%len(cities)))
	}
	for b := 0; b < 16; b++ {
		c := (b*7 + 3) % len(cities)
		add(fmt.Sprintf("203.0.%d.0/20", 16*b), cities[c], asnOf(c))
	}
	cloud := cities[7]
	cloud.aso = "Example Cloud Provider"
	add("198.18.0.0/15", cloud, 64511)
	for b := 0; b < 8; b++ {
		c := len(cities) - 1 - b%4
		add(fmt.Sprintf("203.0.113.%d/29", 8*b), cities[c], asnOf(c))
	}
	return out
}

// asnOf is a documentation or private-use ASN for a city's provider.
func asnOf(city int) uint32 {
	if city < 16 {
		return 64496 + uint32(city)
	}
	return 65536 + uint32(city-16)
}

// placeOf is what Places says of an address, for GuardDuty's
// remoteIpDetails; ok is false for addresses it does not place.
func placeOf(ip string) (c city, asn uint32, ok bool) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return c, 0, false
	}
	best := -1
	var found mmdbgen.Place
	for _, p := range Places() {
		if p.Prefix.Contains(a) && p.Prefix.Bits() > best {
			best, found = p.Prefix.Bits(), p
		}
	}
	if best < 0 {
		return c, 0, false
	}
	return city{found.City, found.Subdivision, found.SubdivisionCode, found.Country, found.CountryCode, found.Lat, found.Lon, found.ASO}, found.ASN, true
}

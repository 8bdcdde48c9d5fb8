package geo

import (
	"math"
	"strings"
)

// Location is what the databases say about one address. Empty strings and
// a zero ASN mean the database does not say; Lat and Lon are both zero
// when it gives no coordinates.
type Location struct {
	City string
	// Subdivision is the first-level region's English name ("Washington"),
	// SubdivisionCode its ISO 3166-2 code without the country ("WA").
	Subdivision, SubdivisionCode string
	Country, CountryCode         string
	// Lat and Lon are rounded to 0.1° (about 11 km): GeoLite2 is rarely
	// closer than tens of kilometres, so finer digits would claim a
	// precision it does not have, and rounded points group on a map.
	Lat, Lon float64
	ASN      uint32
	// ASO is the autonomous system's organisation, e.g. "Amazon.com, Inc.".
	ASO string
}

// Place is a short label such as "Bellevue, WA, US" for maps and lists, or
// "" when the location is unknown. The subdivision is shown by its code
// only where the code reads as an abbreviation (two or three letters: WA,
// NH, HE); numeric or one-letter codes (KR "11", IE "L") give way to the
// name, and a subdivision named like its city ("Seoul, Seoul") is left out.
func (l Location) Place() string {
	parts := make([]string, 0, 3)
	if l.City != "" {
		parts = append(parts, l.City)
	}
	sub := l.Subdivision
	if isAbbreviation(l.SubdivisionCode) || sub == "" {
		sub = l.SubdivisionCode
	}
	if sub != "" && !strings.EqualFold(sub, l.City) {
		parts = append(parts, sub)
	}
	country := l.CountryCode
	if country == "" {
		country = l.Country
	}
	if country != "" {
		parts = append(parts, country)
	}
	return strings.Join(parts, ", ")
}

func isAbbreviation(code string) bool {
	if len(code) < 2 || len(code) > 3 {
		return false
	}
	for _, c := range code {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// roundTenth rounds a coordinate to 0.1°, and never to -0, which would
// print as "-0".
func roundTenth(v float64) float64 {
	r := math.Round(v*10) / 10
	if r == 0 {
		return 0
	}
	return r
}

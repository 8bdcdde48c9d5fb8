package geo

import (
	"net/netip"

	"github.com/oschwald/maxminddb-golang/v2"
)

// The records below name only the fields gumshoe shows; the decoder skips
// the rest (geoname ids, continent, registered country, other languages).
// Names decode into a struct with one "en" field rather than a map, so a
// lookup allocates no map per name.

type names struct {
	EN string `maxminddb:"en"`
}

type cityRecord struct {
	City struct {
		Names names `maxminddb:"names"`
	} `maxminddb:"city"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"country"`
	Location struct {
		Latitude  float64 `maxminddb:"latitude"`
		Longitude float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
}

type asnRecord struct {
	Number       uint32 `maxminddb:"autonomous_system_number"`
	Organization string `maxminddb:"autonomous_system_organization"`
}

// Lookup returns what the databases say about ip, and false when neither
// knows it (or d is nil or closed). An IPv4-mapped IPv6 address
// (::ffff:192.0.2.10) is looked up as the IPv4 address it carries, since
// logs write both forms for one client. Private and documentation ranges
// get whatever the database says: real GeoLite2 has nothing for them, the
// demo's databases place its documentation ranges on purpose. A record
// that fails to decode counts as unknown: one bad record must not hide the
// rest of a profile.
func (d *DB) Lookup(ip netip.Addr) (Location, bool) {
	if d == nil || !ip.IsValid() {
		return Location{}, false
	}
	ip = ip.Unmap()
	d.mu.RLock()
	defer d.mu.RUnlock()
	var loc Location
	foundCity := d.city != nil && lookupCity(d.city, ip, &loc)
	foundASN := d.asn != nil && lookupASN(d.asn, ip, &loc)
	return loc, foundCity || foundASN
}

// lookupCity fills the place fields of loc and reports whether the record
// had any: GeoLite2 has records with a continent and nothing else.
func lookupCity(r *maxminddb.Reader, ip netip.Addr, loc *Location) bool {
	var rec cityRecord
	res := r.Lookup(ip)
	if !res.Found() || res.Decode(&rec) != nil {
		return false
	}
	loc.City = rec.City.Names.EN
	if len(rec.Subdivisions) > 0 {
		loc.Subdivision = rec.Subdivisions[0].Names.EN
		loc.SubdivisionCode = rec.Subdivisions[0].ISOCode
	}
	loc.Country = rec.Country.Names.EN
	loc.CountryCode = rec.Country.ISOCode
	loc.Lat = roundTenth(rec.Location.Latitude)
	loc.Lon = roundTenth(rec.Location.Longitude)
	return loc.City != "" || loc.Subdivision != "" || loc.SubdivisionCode != "" ||
		loc.Country != "" || loc.CountryCode != "" || loc.Lat != 0 || loc.Lon != 0
}

// lookupASN fills the ASN fields of loc and reports whether it had any.
func lookupASN(r *maxminddb.Reader, ip netip.Addr, loc *Location) bool {
	var rec asnRecord
	res := r.Lookup(ip)
	if !res.Found() || res.Decode(&rec) != nil {
		return false
	}
	loc.ASN = rec.Number
	loc.ASO = rec.Organization
	return loc.ASN != 0 || loc.ASO != ""
}

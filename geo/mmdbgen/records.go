package mmdbgen

import "github.com/maxmind/mmdbwriter/mmdbtype"

// accuracyRadius is written in every location, in kilometres, as GeoLite2
// does; the reader must skip fields it does not use.
const accuracyRadius = 20

// cityRecord is p as a GeoLite2-City record, or nil when p says nothing
// about geography. Country is written twice, as country and as
// registered_country, as GeoLite2 does for most networks.
func cityRecord(p Place) mmdbtype.Map {
	r := mmdbtype.Map{}
	if p.City != "" {
		r["city"] = mmdbtype.Map{"names": names(p.City)}
	}
	if p.Subdivision != "" || p.SubdivisionCode != "" {
		r["subdivisions"] = mmdbtype.Slice{named(p.SubdivisionCode, p.Subdivision)}
	}
	if p.Country != "" || p.CountryCode != "" {
		r["country"] = named(p.CountryCode, p.Country)
		r["registered_country"] = named(p.CountryCode, p.Country)
	}
	if p.Lat != 0 || p.Lon != 0 {
		r["location"] = mmdbtype.Map{
			"accuracy_radius": mmdbtype.Uint16(accuracyRadius),
			"latitude":        mmdbtype.Float64(p.Lat),
			"longitude":       mmdbtype.Float64(p.Lon),
		}
	}
	if len(r) == 0 {
		return nil
	}
	return r
}

// asnRecord is p as a GeoLite2-ASN record, or nil when p names no
// autonomous system.
func asnRecord(p Place) mmdbtype.Map {
	r := mmdbtype.Map{}
	if p.ASN != 0 {
		r["autonomous_system_number"] = mmdbtype.Uint32(p.ASN)
	}
	if p.ASO != "" {
		r["autonomous_system_organization"] = mmdbtype.String(p.ASO)
	}
	if len(r) == 0 {
		return nil
	}
	return r
}

// named is GeoLite2's shape for a country or subdivision: an ISO code and
// names by language.
func named(isoCode, name string) mmdbtype.Map {
	m := mmdbtype.Map{}
	if isoCode != "" {
		m["iso_code"] = mmdbtype.String(isoCode)
	}
	if name != "" {
		m["names"] = names(name)
	}
	return m
}

func names(en string) mmdbtype.Map {
	return mmdbtype.Map{"en": mmdbtype.String(en)}
}

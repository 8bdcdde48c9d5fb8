// Package geo answers where an IP address is and which autonomous system
// announces it, from MaxMind databases in the GeoLite2-City and
// GeoLite2-ASN layouts. The profile panels use it for the geolocation map
// and for the "new geolocations" and "new ASOs" of New behavior.
//
// It reads .mmdb files and nothing else: no downloads, no API keys, so a
// responder on a bastion points gumshoe at the files they already sync and
// the tests and the demo use tiny databases written by geo/mmdbgen.
package geo

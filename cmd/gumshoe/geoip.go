package main

import (
	"flag"
	"os"
	"path/filepath"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/geo"
	"github.com/gumshoe-sec/gumshoe/store"
)

// geoFlags locate the MaxMind databases (GeoLite2 City and ASN).
type geoFlags struct{ city, asn string }

func addGeoFlags(fs *flag.FlagSet) *geoFlags {
	g := &geoFlags{}
	fs.StringVar(&g.city, "geoip-city", "", "")
	fs.StringVar(&g.asn, "geoip-asn", "", "")
	return g
}

const geoFlagsUsage = `  --geoip-city FILE  GeoLite2-City .mmdb (or $GUMSHOE_GEOIP_CITY)
  --geoip-asn FILE   GeoLite2-ASN .mmdb (or $GUMSHOE_GEOIP_ASN)
                     Without them, databases in DB.geoip/ beside the graph are
                     used (the demo writes its own there); else panels say
                     that no GeoIP database is configured.
`

// geoDir is where databases that belong to one graph live.
func geoDir(dbPath string) string { return dbPath + ".geoip" }

// open opens the databases for the graph at dbPath and gives them to st.
// The returned DB is nil when none is configured; close it after use.
func (g *geoFlags) open(st *store.Store, dbPath string) (*geo.DB, error) {
	city, asn := g.city, g.asn
	if city == "" {
		city = os.Getenv("GUMSHOE_GEOIP_CITY")
	}
	if asn == "" {
		asn = os.Getenv("GUMSHOE_GEOIP_ASN")
	}
	if city == "" && asn == "" {
		city, asn = existing(filepath.Join(geoDir(dbPath), demo.GeoCityFile)), existing(filepath.Join(geoDir(dbPath), demo.GeoASNFile))
	}
	if city == "" && asn == "" {
		return nil, nil
	}
	db, err := geo.Open(city, asn)
	if err != nil {
		return nil, err
	}
	st.SetLocator(db)
	return db, nil
}

func existing(path string) string {
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

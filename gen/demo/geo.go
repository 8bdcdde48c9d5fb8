package demo

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
)

// GeoIP file names WriteGeo uses. They are not GeoLite2's own names so
// that nobody takes them for MaxMind's data.
const (
	GeoCityFile = "demo-city.mmdb"
	GeoASNFile  = "demo-asn.mmdb"
)

// WriteGeo writes the demo's GeoIP databases, in the GeoLite2-City and
// GeoLite2-ASN layouts, from Places into dir and returns their paths. They
// place the documentation ranges that real databases leave empty, so the
// geolocation map and the new-ASO panels have something to show; private
// addresses stay unknown, as with real data. Every run writes the same
// bytes. Give it a folder apart from Write's logs, which ingest reads.
func WriteGeo(dir string) (cityPath, asnPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("demo: %w", err)
	}
	cityPath, asnPath = filepath.Join(dir, GeoCityFile), filepath.Join(dir, GeoASNFile)
	if err := mmdbgen.Write(cityPath, asnPath, Places()); err != nil {
		return "", "", fmt.Errorf("demo: %w", err)
	}
	return cityPath, asnPath, nil
}

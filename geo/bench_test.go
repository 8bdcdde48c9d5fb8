package geo

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/gumshoe-sec/gumshoe/geo/mmdbgen"
)

// benchBlocks is the number of /24 blocks in the benchmark databases:
// 65,536 networks each, about what GeoLite2 holds for one large country,
// with records shared between blocks as GeoLite2's are.
const benchBlocks = 1 << 16

// BenchmarkLookup measures one Lookup against both databases, mostly hits
// with one miss in sixteen, serially and from every core at once (the
// read lock is shared by every lookup).
func BenchmarkLookup(b *testing.B) {
	places := make([]mmdbgen.Place, 0, benchBlocks)
	for i := range benchBlocks {
		prefix := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
		places = append(places, mmdbgen.Place{
			Prefix: prefix, City: fmt.Sprintf("City %d", i%500), Subdivision: "Region", SubdivisionCode: "RG",
			Country: "Country", CountryCode: "CC", Lat: float64(i%180) - 89.5, Lon: float64(i%360) - 179.5,
			ASN: uint32(64496 + i%16), ASO: fmt.Sprintf("Example Network %d", i%16),
		})
	}
	dir := b.TempDir()
	cityPath, asnPath := filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	if err := mmdbgen.Write(cityPath, asnPath, places); err != nil {
		b.Fatal(err)
	}
	d, err := Open(cityPath, asnPath)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	addrs := make([]netip.Addr, 4096)
	for i := range addrs {
		first := byte(10)
		if i%16 == 0 {
			first = 11 // not in the databases
		}
		addrs[i] = netip.AddrFrom4([4]byte{first, byte(i * 37 >> 8), byte(i * 37), byte(i)})
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			d.Lookup(addrs[i%len(addrs)])
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				d.Lookup(addrs[i%len(addrs)])
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}

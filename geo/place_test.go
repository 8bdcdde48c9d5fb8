package geo

import "testing"

func TestPlace(t *testing.T) {
	for _, tc := range []struct {
		loc  Location
		want string
	}{
		{Location{City: "Bellevue", Subdivision: "Washington", SubdivisionCode: "WA", Country: "United States", CountryCode: "US"}, "Bellevue, WA, US"},
		{Location{City: "Dublin", Subdivision: "Leinster", SubdivisionCode: "L", Country: "Ireland", CountryCode: "IE"}, "Dublin, Leinster, IE"},
		{Location{City: "Helsinki", Subdivision: "Uusimaa", SubdivisionCode: "18", CountryCode: "FI"}, "Helsinki, Uusimaa, FI"},
		{Location{City: "Seoul", Subdivision: "Seoul", SubdivisionCode: "11", CountryCode: "KR"}, "Seoul, KR"},
		{Location{City: "Singapore", Country: "Singapore", CountryCode: "SG"}, "Singapore, SG"},
		{Location{SubdivisionCode: "18", CountryCode: "FI"}, "18, FI"},
		{Location{Country: "Japan"}, "Japan"},
		{Location{ASN: 64496, ASO: "Example"}, ""},
		{Location{}, ""},
	} {
		if got := tc.loc.Place(); got != tc.want {
			t.Errorf("%+v.Place() = %q, want %q", tc.loc, got, tc.want)
		}
	}
}

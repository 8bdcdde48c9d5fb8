package store

import (
	"net/netip"
	"slices"
	"testing"
)

func TestPrefixLeads(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string
	}{
		{"0.0.0.0/0", []string{""}},
		{"10.0.0.0/8", []string{"10."}},
		{"10.0.0.0/9", []string{"10."}},
		{"10.1.0.0/16", []string{"10.1."}},
		{"198.18.0.0/15", []string{"198.18.", "198.19."}},
		{"198.51.4.0/22", []string{"198.51.4.", "198.51.5.", "198.51.6.", "198.51.7."}},
		{"203.0.113.0/24", []string{"203.0.113."}},
		{"203.0.113.16/28", []string{"203.0.113."}},
		{"203.0.113.9/32", []string{"203.0.113."}},
		{"2001:db8::/32", []string{""}},
	}
	for _, tt := range tests {
		if got := prefixLeads(netip.MustParsePrefix(tt.prefix).Masked()); !slices.Equal(got, tt.want) {
			t.Errorf("prefixLeads(%s) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
	if got := prefixLeads(netip.MustParsePrefix("10.16.0.0/12")); len(got) != 16 || got[0] != "10.16." || got[15] != "10.31." {
		t.Errorf("prefixLeads(10.16.0.0/12) = %q", got)
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/gumshoe-sec/gumshoe/gen/demo"
	"github.com/gumshoe-sec/gumshoe/internal/demotest"
)

func TestSearchEveryKeyKind(t *testing.T) {
	st := demotest.Open(t)
	tests := []struct {
		query, wantKind, wantKey string
	}{
		{demo.TorFindingID, "finding", demo.TorFindingID},
		{"TorClient", "finding", demo.TorFindingID},
		{"trail demo-trail-2 was disabled", "finding", demo.TrailFindingID},
		{demo.AliceARN, "user", demo.AliceARN},
		{"alice", "user", demo.AliceARN},
		{"sara", "federated", "sso:sara"},
		{"sara", "session", demo.SaraDemoSession},
		{"AROA3EXAMPLEADMIN0001:", "session", demo.SaraAdminSession},
		{"DemoRole1", "role", demo.DemoRoleARN},
		{demo.IncidentAdminKey, "accesskey", demo.IncidentAdminKey},
		{"ASIA3EXAMPLESARA", "accesskey", demo.IncidentAdminKey},
		{demo.Instance, "instance", demo.Instance},
		{"i-9999", "instance", demo.Instance},
		{demo.InstanceIP, "ip", demo.InstanceIP},
		{"172.16.0.0/24", "ip", demo.InstanceIP},
		{"2001:db8::/32", "ip", demo.AliceIPv6},
		{"aws-cli/2", "useragent", demo.SaraCLIUserAgent},
		{demo.WebAssetsBucket, "bucket", demo.WebAssetsBucket},
	}
	for _, tt := range tests {
		hits, err := st.Search(context.Background(), tt.query)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || (h.Ref.Kind == tt.wantKind && h.Ref.Key == tt.wantKey)
		}
		if !found {
			t.Errorf("search %q: no %s %s in %d hits", tt.query, tt.wantKind, tt.wantKey, len(hits))
		}
	}
	hits, _ := st.Search(context.Background(), demo.InstanceIP)
	if len(hits) == 0 || hits[0].Match != "exact" {
		t.Errorf("an exact key does not rank first: %+v", hits)
	}
	if hits, _ := st.Search(context.Background(), "'; DROP TABLE entity; --"); len(hits) != 0 {
		t.Errorf("SQL text matched %v", hits)
	}
	if _, err := st.Stats(context.Background()); err != nil {
		t.Errorf("the graph broke after a hostile search: %v", err)
	}
}

package store

import (
	"context"
	"testing"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// TestUpgradeFillsFlowPeers: migration 0005 drops flow_hour's local
// address index and fills flow_peer from the old rows, so an address's
// flows read the same on an upgraded graph as on one written since.
func TestUpgradeFillsFlowPeers(t *testing.T) {
	path := copyFixture(t)
	ctx := context.Background()
	st, err := Open(ctx, path, Options{Write: true})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer st.Close()
	db := st.DB()
	var flows, want, missing, extra int
	db.QueryRow(`SELECT count(*) FROM flow_hour`).Scan(&flows)
	if flows == 0 {
		t.Fatal("the fixture has no flows to carry over")
	}
	pairs := `SELECT DISTINCT local_ip AS ip, hour - hour % 86400 AS day, eni FROM flow_hour`
	db.QueryRow(`SELECT count(*) FROM (` + pairs + `)`).Scan(&want)
	db.QueryRow(`SELECT count(*) FROM (` + pairs + `) x WHERE NOT EXISTS
		(SELECT 1 FROM flow_peer p WHERE p.ip = x.ip AND p.day = x.day AND p.eni = x.eni)`).Scan(&missing)
	db.QueryRow(`SELECT (SELECT count(*) FROM flow_peer) - ?`, want).Scan(&extra)
	if missing != 0 || extra != 0 {
		t.Errorf("flow_peer after the upgrade: %d pairs missing, %d extra (of %d)", missing, extra, want)
	}
	var indexes int
	db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'flow_by_local'`).Scan(&indexes)
	if indexes != 0 {
		t.Error("flow_by_local is still there")
	}
	// Every local address finds all its flows through flow_peer.
	rows, err := db.Query(`SELECT e.key, (SELECT count(*) FROM flow_hour f WHERE f.local_ip = e.id)
		FROM entity e WHERE e.kind = ?`, int(graph.KindIP))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			continue
		}
		var viaPeers int
		db.QueryRow(`SELECT count(*) FROM flow_peer p JOIN flow_hour f ON f.eni = p.eni AND f.hour >= p.day AND f.hour < p.day + 86400
			JOIN entity e ON e.id = p.ip WHERE e.key = ? AND f.local_ip = p.ip`, key).Scan(&viaPeers)
		if viaPeers != n {
			t.Errorf("%s: %d flow rows through flow_peer, want %d", key, viaPeers, n)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no address with flows checked")
	}
}

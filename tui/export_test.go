package tui

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Exported cells a spreadsheet would run as formulas are defused in the
// CSV; the JSON keeps the text as it is.
func TestExportDefusesFormulas(t *testing.T) {
	base := filepath.Join(t.TempDir(), "t")
	rows := [][]string{{"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain"}}
	if err := writeExport(base, []string{"a", "b", "c", "d", "e"}, rows); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(base + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain"}
	for i, w := range want {
		if got[1][i] != w {
			t.Errorf("cell %d = %q, want %q", i, got[1][i], w)
		}
	}
	body, _ := os.ReadFile(base + ".json")
	var objs []map[string]string
	if err := json.Unmarshal(body, &objs); err != nil || objs[0]["a"] != rows[0][0] {
		t.Errorf("JSON export = %s (%v)", body, err)
	}
	if st, _ := os.Stat(base + ".csv"); st.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want owner-only", st.Mode().Perm())
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes a config file in a fresh folder and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigExample parses the documented example, so it cannot rot.
func TestConfigExample(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	cfg, err := loadConfig("../../testdata/config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".gumshoe", "graph.db"); cfg.DB != want {
		t.Errorf("db %q, want %q", cfg.DB, want)
	}
	if cfg.KeepRaw != "/var/lib/gumshoe/raw" || cfg.Retention.text != "365d" || cfg.PollInterval.text != "5s" ||
		cfg.GeoIP.City != "/usr/share/GeoIP/GeoLite2-City.mmdb" || cfg.GeoIP.ASN != "/usr/share/GeoIP/GeoLite2-ASN.mmdb" {
		t.Errorf("top-level settings: %+v", cfg)
	}
	if len(cfg.Sources) != 3 {
		t.Fatalf("%d sources, want 3", len(cfg.Sources))
	}
	s3 := cfg.Sources[0]
	if s3.URI != "s3://example-org-cloudtrail/o-a1b2c3d4e5" || s3.Profile != "log-archive" || s3.Region != "us-east-1" ||
		s3.RoleARN != "arn:aws:iam::111122223333:role/GumshoeReader" || s3.Since.text != "2026-10-01" || s3.Interval.text != "2m" {
		t.Errorf("first source: %+v", s3)
	}
	if cfg.Sources[1].URI != "/var/log/aws/flowlogs" || cfg.Sources[2].URI != "guardduty://us-east-1,eu-west-1" ||
		cfg.Sources[2].Profile != "security-audit" {
		t.Errorf("sources: %+v", cfg.Sources)
	}
	text, _ := os.ReadFile("../../testdata/config.example.toml")
	for i, s := range cfg.Sources {
		if lines := strings.Split(string(text), "\n"); s.line < 1 || strings.TrimSpace(lines[s.line-1]) != "[[source]]" {
			t.Errorf("source %d: line %d is not its header", i, s.line)
		}
	}
}

// TestConfigErrorsNameFileAndLine checks that every kind of mistake names
// the file, the line and what is wrong.
func TestConfigErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"unknown top-level key", "db = \"g.db\"\nretension = \"30d\"\n", `:2: unknown key "retension"`},
		{"unknown key of the second source", "[[source]]\nuri = \"/a\"\n\n[[source]]\nuri = \"/b\"\nprfile = \"x\"\n", `:6: unknown key "source.prfile"`},
		{"unknown table, once", "[aws]\nprofile = \"x\"\nregion = \"y\"\n", `:1: unknown key "aws"`},
		{"unknown dotted key", "geoip.cty = \"x\"\n", `:1: unknown key "geoip.cty"`},
		{"unknown key in an inline table", "db = \"g\"\ngeoip = { city = \"a\", as = \"b\" }\n", `:2: unknown key "geoip.as"`},
		{"bad duration", "db = \"g.db\"\n\npoll_interval = \"often\"\n", `:3: poll_interval: time: invalid duration "often"`},
		{"negative duration", "[[source]]\nuri = \"/a\"\ninterval = \"-1m\"\n", `:3: source.interval: -1m is not a positive duration`},
		{"bad retention", "retention = \"a while\"\n", `:1: retention: retention "a while"`},
		{"bad since", "[[source]]\nuri = \"s3://b\"\nsince = \"last tuesday\"\n", `:3: source.since:`},
		{"wrong type", "\ndb = 5\n", `:2: db: incompatible types`},
		{"syntax", "db = \"g.db\nretention = \"1d\"\n", `:1:`},
		{"source without uri", "db = \"g\"\n[[source]]\nprofile = \"x\"\n", `:2: [[source]] has no uri`},
		{"duplicate source", "[[source]]\nuri = \"s3://b/p\"\n[[source]]\nuri = \"s3://b/p\"\n", `:3: source s3://b/p is already at line 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.text)
			_, err := loadConfig(path)
			if err == nil {
				t.Fatalf("no error for\n%s", tc.text)
			}
			if !strings.Contains(err.Error(), path+tc.want) {
				t.Errorf("error %q, want it to contain %q", err, path+tc.want)
			}
		})
	}
	// Both unknown keys are reported, each with its line; the unknown
	// table's own keys are not.
	_, err := loadConfig(writeConfig(t, "colour = true\n[aws]\nprofile = \"x\"\n[[source]]\nuri = \"/a\"\nroleARN = \"r\"\n"))
	if err == nil || strings.Count(err.Error(), "unknown key") != 3 || !strings.Contains(err.Error(), `:6: unknown key "source.roleARN"`) {
		t.Errorf("several unknown keys: %v", err)
	}
}

func TestConfigPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GUMSHOE_CONFIG", "")
	if p := configPath(""); p != "" {
		t.Errorf("no file anywhere: %q", p)
	}
	own := filepath.Join(home, ".gumshoe", "config.toml")
	os.MkdirAll(filepath.Dir(own), 0o700)
	os.WriteFile(own, []byte("db = \"here.db\"\n"), 0o600)
	if p := configPath(""); p != own {
		t.Errorf("home file: %q", p)
	}
	t.Setenv("GUMSHOE_CONFIG", "/etc/gumshoe.toml")
	if p := configPath(""); p != "/etc/gumshoe.toml" {
		t.Errorf("$GUMSHOE_CONFIG: %q", p)
	}
	if p := configPath("mine.toml"); p != "mine.toml" {
		t.Errorf("--config: %q", p)
	}
	if _, err := loadConfig(filepath.Join(home, "missing.toml")); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("a named file that does not exist: %v", err)
	}
	t.Setenv("GUMSHOE_CONFIG", "")
	cfg, err := loadConfig("")
	if err != nil || cfg.DB != filepath.Join(home, ".gumshoe", "here.db") {
		t.Errorf("relative db of the home file: %+v, %v", cfg, err)
	}
}

// consoleFlags parses args as gumshoe tui does and applies the file.
func consoleFlags(t *testing.T, cfgText string, args ...string) (db, retention string, interval time.Duration, geo *geoFlags, specs []sourceSpec) {
	t.Helper()
	fs := newFlagSet("tui")
	dbFlag := fs.String("db", defaultDB(), "")
	intervalFlag := fs.Duration("interval", time.Second, "")
	ret := addRetentionFlag(fs)
	geo = addGeoFlags(fs)
	sf := addSourceFlags(fs)
	configFile := addConfigFlag(fs)
	rest, err := parseFlags(fs, append([]string{"--config", writeConfig(t, cfgText)}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(*configFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.applyTo(fs); err != nil {
		t.Fatal(err)
	}
	return *dbFlag, ret.text, *intervalFlag, geo, cfg.sourceSpecs(rest, fs, sf)
}

const precedenceConfig = `
db = "/srv/from-file.db"
retention = "30d"
poll_interval = "7s"
[geoip]
city = "/geo/city.mmdb"
[[source]]
uri = "s3://trails/org"
profile = "file-profile"
region = "eu-west-1"
interval = "3m"
[[source]]
uri = "s3://flows/vpc"
`

func TestConfigFlagPrecedence(t *testing.T) {
	t.Setenv("GUMSHOE_DB", "")
	t.Setenv("GUMSHOE_GEOIP_CITY", "")
	db, retention, interval, geo, specs := consoleFlags(t, precedenceConfig)
	if db != "/srv/from-file.db" || retention != "30d" || interval != 7*time.Second || geo.city != "/geo/city.mmdb" {
		t.Errorf("the file's values: db %q retention %q interval %s geoip %q", db, retention, interval, geo.city)
	}
	if len(specs) != 2 || specs[0].flags.profile != "file-profile" || specs[0].flags.region != "eu-west-1" ||
		specs[0].flags.s3Interval != 3*time.Minute {
		t.Fatalf("first source's own options: %+v", specs[0].flags)
	}
	if specs[1].flags.profile != "" || specs[1].flags.s3Interval != time.Minute {
		t.Errorf("the second source took the first's options: %+v", specs[1].flags)
	}
	if !strings.HasSuffix(specs[0].origin, "config.toml:7") {
		t.Errorf("origin %q", specs[0].origin)
	}

	// The command line wins, for every source.
	db, retention, interval, _, specs = consoleFlags(t, precedenceConfig, "--db", "/cli.db", "--retention", "forever",
		"--interval", "2s", "--profile", "cli-profile", "--s3-interval", "10m")
	if db != "/cli.db" || retention != "forever" || interval != 2*time.Second {
		t.Errorf("flags did not win: db %q retention %q interval %s", db, retention, interval)
	}
	for _, sp := range specs {
		if sp.flags.profile != "cli-profile" || sp.flags.s3Interval != 10*time.Minute {
			t.Errorf("%s: flags did not win: %+v", sp.uri, sp.flags)
		}
	}
	if specs[0].flags.region != "eu-west-1" {
		t.Errorf("an option the command line did not give was lost: %+v", specs[0].flags)
	}

	// Environment variables come between the command line and the file.
	t.Setenv("GUMSHOE_DB", "/env.db")
	t.Setenv("GUMSHOE_GEOIP_CITY", "/env/city.mmdb")
	db, _, _, geo, _ = consoleFlags(t, precedenceConfig)
	if db != "/env.db" || geo.city != "" {
		t.Errorf("$GUMSHOE_DB and $GUMSHOE_GEOIP_CITY should win over the file: db %q, city flag %q", db, geo.city)
	}
}

func TestCommandLineSourcesReplaceConfig(t *testing.T) {
	_, _, _, _, specs := consoleFlags(t, precedenceConfig, "--region", "us-east-2", "/tmp/logs", "s3://other/x")
	if got := specURIs(specs); len(got) != 2 || got[0] != "/tmp/logs" || got[1] != "s3://other/x" {
		t.Fatalf("sources %v, want only the command line's", got)
	}
	for _, sp := range specs {
		if sp.origin != "" || sp.flags.region != "us-east-2" || sp.flags.profile != "" {
			t.Errorf("%s is read with the file's options: %+v", sp.uri, sp.flags)
		}
	}
}

// TestConfigRelativePaths resolves a relative source and db against the
// file's folder, not the working directory.
func TestConfigRelativePaths(t *testing.T) {
	path := writeConfig(t, "db = \"graph.db\"\n[[source]]\nuri = \"logs/flows\"\n")
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if cfg.DB != filepath.Join(dir, "graph.db") || cfg.Sources[0].URI != filepath.Join(dir, "logs", "flows") {
		t.Errorf("db %q source %q, want them under %s", cfg.DB, cfg.Sources[0].URI, dir)
	}
}

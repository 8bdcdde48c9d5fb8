package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gumshoe-sec/gumshoe/graph"
	"github.com/gumshoe-sec/gumshoe/store"
)

// config is the configuration file (see testdata/config.example.toml):
// defaults for the flags of ingest, tui and sources, and the sources the
// console and `gumshoe ingest` read when no SOURCE is given. Paths in it
// are relative to the file's folder.
type config struct {
	// path is the file read, empty when there is none.
	path         string
	DB           string       `toml:"db"`
	KeepRaw      string       `toml:"keep_raw"`
	Retention    retentionDef `toml:"retention"`
	PollInterval durationDef  `toml:"poll_interval"`
	GeoIP        struct {
		City string `toml:"city"`
		ASN  string `toml:"asn"`
	} `toml:"geoip"`
	Sources []configSource `toml:"source"`
}

// configSource is one [[source]]: a SOURCE argument with its own options,
// which mean what the flags of the same names mean.
type configSource struct {
	URI         string      `toml:"uri"`
	Profile     string      `toml:"profile"`
	Region      string      `toml:"region"`
	RoleARN     string      `toml:"role_arn"`
	EndpointURL string      `toml:"endpoint_url"`
	Since       instantDef  `toml:"since"`
	Until       instantDef  `toml:"until"`
	Interval    durationDef `toml:"interval"`
	// line is where the source's [[source]] header is.
	line int
}

// durationDef is a Go duration ("90s", "5m") in the file.
type durationDef struct{ text string }

func (d *durationDef) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err == nil && v <= 0 {
		err = fmt.Errorf("%s is not a positive duration", b)
	}
	d.text = string(b)
	return err
}

// retentionDef is a retention as --retention takes it (365d, 72h, forever).
type retentionDef struct{ text string }

func (r *retentionDef) UnmarshalText(b []byte) error {
	r.text = string(b)
	_, err := store.ParseRetention(r.text)
	return err
}

// instantDef is a time as --since takes it.
type instantDef struct{ text string }

func (t *instantDef) UnmarshalText(b []byte) error {
	t.text = string(b)
	_, err := graph.ParseInstant(t.text)
	return err
}

// configPath is the file to read: --config, else $GUMSHOE_CONFIG, else
// ~/.gumshoe/config.toml when it exists. It is empty when there is none;
// a file named by the flag or the variable must exist.
func configPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := os.Getenv("GUMSHOE_CONFIG"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return existing(filepath.Join(home, ".gumshoe", "config.toml"))
}

// loadConfig reads the file configPath names; without one, the
// configuration is empty.
func loadConfig(flagValue string) (*config, error) {
	path := configPath(flagValue)
	if path == "" {
		return &config{}, nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseConfig(path, string(text))
}

// parseConfig decodes a config file's text; every error names the file
// and the line.
func parseConfig(path, text string) (*config, error) {
	cfg := &config{path: path}
	md, err := toml.Decode(text, cfg)
	if err != nil {
		return nil, configError(path, err)
	}
	if err := unknownKeys(path, text, md.Undecoded()); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	seen := map[string]int{}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		s.line = keyLine(text, toml.Key{"source"}, i)
		if s.URI == "" {
			return nil, fmt.Errorf("%s:%d: [[source]] has no uri", path, s.line)
		}
		if !strings.Contains(s.URI, "://") {
			s.URI = resolvePath(dir, s.URI)
		}
		if first, dup := seen[s.URI]; dup {
			return nil, fmt.Errorf("%s:%d: source %s is already at line %d", path, s.line, s.URI, first)
		}
		seen[s.URI] = s.line
	}
	for _, p := range []*string{&cfg.DB, &cfg.KeepRaw, &cfg.GeoIP.City, &cfg.GeoIP.ASN} {
		if *p != "" {
			*p = resolvePath(dir, *p)
		}
	}
	return cfg, nil
}

// tomlLine matches the errors the decoder makes without a ParseError.
var tomlLine = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func configError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		if pe.LastKey != "" {
			return fmt.Errorf("%s:%d: %s: %s", path, pe.Position.Line, pe.LastKey, pe.Message)
		}
		return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
	}
	if m := tomlLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: %s", path, m[1], m[2], m[3])
	}
	return fmt.Errorf("%s: %w", path, err)
}

// unknownKeys reports keys the configuration does not have, a misspelt
// option being worse than a refused one. A table that is unknown is
// reported once, not with each of its keys.
func unknownKeys(path, text string, keys []toml.Key) error {
	var errs []error
	reported := map[string]bool{}
	occurrence := map[string]int{}
	for _, k := range keys {
		name := k.String()
		n := occurrence[name]
		occurrence[name]++
		if parentReported(k, reported) {
			continue
		}
		reported[name] = true
		at := path
		if line := keyLine(text, k, n); line > 0 {
			at += ":" + strconv.Itoa(line)
		}
		errs = append(errs, fmt.Errorf("%s: unknown key %q", at, name))
	}
	return errors.Join(errs...)
}

func parentReported(k toml.Key, reported map[string]bool) bool {
	for i := 1; i < len(k); i++ {
		if reported[k[:i].String()] {
			return true
		}
	}
	return false
}

// resolvePath makes a path of the file absolute: ~/ is the home folder,
// and a relative path is relative to the file's folder.
func resolvePath(dir, p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	abs, err := filepath.Abs(filepath.Join(dir, p))
	if err != nil {
		return p
	}
	return abs
}

package main

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLine finds the line (from 1) where the nth (from 0) occurrence of
// key is defined in a TOML text, or 0. The TOML decoder knows where keys
// are but does not say, and an unknown key must be reported with its
// line; our files are plain enough (tables, arrays of tables, dotted and
// quoted keys, multi-line strings) for a line scanner. Keys inside inline
// tables are found by their last part.
func keyLine(text string, key toml.Key, nth int) int {
	want := key.String()
	var table toml.Key
	inString := ""
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if inString != "" {
			if strings.Contains(line, inString) {
				inString = ""
			}
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		var path toml.Key
		switch {
		case strings.HasPrefix(line, "[["):
			table = parseKeyPath(strings.TrimPrefix(beforeComment(line), "[["), "]]")
			path = table
		case line[0] == '[':
			table = parseKeyPath(strings.TrimPrefix(beforeComment(line), "["), "]")
			path = table
		default:
			left, right, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			path = append(append(toml.Key{}, table...), parseKeyPath(left, "")...)
			inString = opensMultiline(right)
			if path.String() != want && strings.HasPrefix(strings.TrimSpace(right), "{") &&
				strings.HasPrefix(want, path.String()+".") && inlineHas(right, key[len(key)-1]) {
				path = key
			}
		}
		if path.String() == want {
			if nth == 0 {
				return i + 1
			}
			nth--
		}
	}
	return 0
}

// parseKeyPath splits a dotted key (a.b, "a.b".c) up to end, if given.
func parseKeyPath(s, end string) toml.Key {
	if end != "" {
		if i := strings.LastIndex(s, end); i >= 0 {
			s = s[:i]
		}
	}
	var key toml.Key
	var part strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			part.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			key = append(key, strings.TrimSpace(part.String()))
			part.Reset()
		default:
			part.WriteByte(c)
		}
	}
	return append(key, strings.TrimSpace(part.String()))
}

// beforeComment drops a trailing comment from a table header.
func beforeComment(line string) string {
	if i := strings.LastIndex(line, "#"); i > strings.LastIndex(line, "]") {
		return strings.TrimSpace(line[:i])
	}
	return line
}

// opensMultiline returns the delimiter of a multi-line string that a
// value opens and does not close on its line.
func opensMultiline(value string) string {
	for _, d := range []string{`"""`, `'''`} {
		if v := strings.TrimSpace(value); strings.HasPrefix(v, d) && !strings.Contains(v[3:], d) {
			return d
		}
	}
	return ""
}

// inlineHas says whether an inline table defines name.
func inlineHas(value, name string) bool {
	for _, field := range strings.FieldsFunc(value, func(r rune) bool { return r == '{' || r == ',' }) {
		if k, _, ok := strings.Cut(field, "="); ok {
			if p := parseKeyPath(k, ""); p[len(p)-1] == name {
				return true
			}
		}
	}
	return false
}

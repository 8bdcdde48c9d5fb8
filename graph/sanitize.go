package graph

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes text from logs safe for a terminal: it drops C0 and C1
// control characters (so no escape sequence survives), DEL, and replaces
// invalid UTF-8. Every string from a log passes through it before display.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Package widgets holds the console's drawing components: the volume chart,
// the sparkline, the world map, the table and the human formatting of
// numbers and times.
//
// Every component is a pure function of its data, a size and a Styles value
// (the table is a small model without I/O): no database access and no
// package-level mutable state, so pages can call them from View and tests can
// assert on the exact text. Every rendering fills exactly the width × height
// it is given, measured in terminal cells as lipgloss measures them, so a
// page can join components without re-measuring.
//
// Text reaching these components must already be sanitised (terminal
// control sequences stripped with graph.Sanitize): they lay text
// out, they do not clean it.
package widgets

// Package tui is gumshoe's console: Bubble Tea models for the pages a
// responder moves through (findings, finding and entity profiles, search,
// summary), a navigation stack, the scope time, the status bar and the
// keymap. It reads the graph through the Backend interface and never
// writes SQL; every read runs in a tea.Cmd, off the UI loop.
package tui

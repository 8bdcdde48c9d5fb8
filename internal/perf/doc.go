// Package perf is what gumshoe's performance measurements share: the
// entities a query benchmark samples from a graph, the query cases (every
// panel of every kind at 1 hour to 365 days of scope, search, findings,
// summary) with their targets, and latency distributions. The go test
// benchmarks of store and tui and the `gumshoe bench` command run the
// same cases, so their figures can be compared.
package perf

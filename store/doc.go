// Package store keeps the behavior graph in one SQLite file: the schema and
// its numbered migrations, the batched writer that folds decoded records
// into hourly aggregates, and the read queries that return graph types.
// Only one process writes a database at a time; readers never block it (WAL).
package store

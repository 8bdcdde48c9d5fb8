// Package graph owns gumshoe's domain: the entity kinds and their canonical
// keys, the records that decoders produce, and the attribution rules that turn
// a record into entities and relationships. It knows nothing of SQL or of the
// terminal; store persists what it describes and tui draws it.
package graph

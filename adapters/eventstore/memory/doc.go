// Package memory is an in-memory application.EventStore, and
// application.CheckpointStore beside it, for tests and for
// module authors who want a store without a database. It keeps everything
// in slices behind one mutex and loses it all when the process exits.
package memory

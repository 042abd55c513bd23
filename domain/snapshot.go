package domain

// Snapshotter is an aggregate whose state can be saved and restored, so
// that loading a long stream starts from a snapshot and replays only the
// events after it. Snapshots are derived data: deleting them all changes
// nothing but load times.
type Snapshotter interface {
	Aggregate
	// SnapshotSchema identifies the snapshot format; change it whenever the
	// state's shape or meaning changes, and older snapshots are ignored.
	SnapshotSchema() int
	// MarshalSnapshot encodes the current state.
	MarshalSnapshot() ([]byte, error)
	// UnmarshalSnapshot replaces the state with a decoded snapshot; on
	// error it must leave the state untouched.
	UnmarshalSnapshot([]byte) error
}

// Restore sets a's state from a snapshot taken at stream version.
func Restore(a Snapshotter, data []byte, version uint64) error {
	if err := a.UnmarshalSnapshot(data); err != nil {
		return err
	}
	a.Root().version = version
	return nil
}

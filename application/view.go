package application

// View is a named, queryable read model: one collection of documents
// written by a projection. Its filterable and sortable fields are the
// collection's declared fields; nothing else reaches the store.
type View struct {
	// Name is "{module}.{view}", set by the registrar.
	Name string
	// Collection is the collection the view reads.
	Collection CollectionSpec
	// DefaultSort applies when a query names no sort.
	DefaultSort []SortKey
	// Permission is the permission an actor needs to read the view.
	Permission string
	// Owner, when set, is the declared string field holding the id of
	// the user who owns each record: a principal granted Permission on
	// its own records only (OwnRecords) sees just the records of itself
	// and its team mates.
	Owner string
	// Projections names the projections that write Collection, set at
	// registration: a reader that asks for its own write (a minimum
	// position) waits for these.
	Projections []string

	// permission is the declaration of Permission, set at registration.
	permission Permission
}

// feeders names the projections among ps that write collection.
func feeders(collection string, ps []*Projection) []string {
	var out []string
	for _, p := range ps {
		for _, c := range p.Collections() {
			if c.Name == collection {
				out = append(out, p.Name())
				break
			}
		}
	}
	return out
}

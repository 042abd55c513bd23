package application

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// use holds and drops each of ids in turn, as one command or load each
// does, and returns what that evicted.
func use(c *streamCache, ids ...string) []string {
	var evicted []string
	for _, id := range ids {
		evicted = append(evicted, streamIDs(c.drop(c.hold(id)))...)
	}
	return evicted
}

func streamIDs(es []*streamEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out
}

// TestStreamCacheResistsScans: one pass over many streams used once each
// evicts none of a hot set used twice, and the hot entries keep their
// state (an LRU evicted them all after max new streams).
func TestStreamCacheResistsScans(t *testing.T) {
	t.Parallel()
	c := newStreamCache(10)
	hot := []string{"h0", "h1", "h2", "h3", "h4"}
	use(c, hot...)
	use(c, hot...)
	before := map[string]*streamEntry{}
	for _, id := range hot {
		before[id] = c.byID[id].Value.(*streamEntry)
	}
	for i := range 1000 {
		if evicted := use(c, fmt.Sprint("cold-", i)); slices.ContainsFunc(evicted, func(id string) bool { return before[id] != nil }) {
			t.Fatalf("cold stream %d evicted %v, part of the hot set", i, evicted)
		}
	}
	for _, id := range hot {
		if el, ok := c.byID[id]; !ok || el.Value.(*streamEntry) != before[id] {
			t.Fatalf("%s lost its entry to the scan", id)
		}
	}
	if n := c.len(); n != 10 {
		t.Fatalf("%d entries after the scan, want the bound, 10", n)
	}
}

// TestStreamCacheEvictionOrder: probation goes first, least recently used
// first; a second use protects; protecting more than max - max/5 entries
// puts the least recently used protected one back on probation.
func TestStreamCacheEvictionOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		setup, then []string
		want        []string
	}{
		{"plain LRU while nothing is protected", []string{"a", "b", "c", "d", "e"}, []string{"f", "g"}, []string{"a", "b"}},
		{"a second use protects", []string{"a", "b", "c", "d", "e", "a"}, []string{"f", "g", "h", "i", "j"}, []string{"b", "c", "d", "e", "f"}},
		{"protected entries outlast newer ones on probation", []string{"a", "b", "c", "d", "a", "b", "c", "d", "a"}, []string{"e", "f", "g"}, []string{"e", "f"}},
		{"a fifth protected entry demotes the oldest", []string{"a", "b", "c", "d", "e", "a", "b", "c", "d", "e"}, []string{"f", "g"}, []string{"a", "f"}},
		{"protecting a demoted entry again demotes the next oldest", []string{"a", "b", "c", "d", "e", "a", "b", "c", "d", "e", "a"}, []string{"f", "g"}, []string{"b", "f"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newStreamCache(5) // protects at most 4
			if evicted := use(c, tc.setup...); len(evicted) > 0 {
				t.Fatalf("setup evicted %v", evicted)
			}
			if evicted := use(c, tc.then...); !slices.Equal(evicted, tc.want) {
				t.Fatalf("evicted %v, want %v", evicted, tc.want)
			}
		})
	}
}

// TestStreamCacheKeepsHeldEntries: held entries are never evicted nor
// duplicated, on probation or protected; when probation holds only held
// entries, the least recently used idle protected one goes.
func TestStreamCacheKeepsHeldEntries(t *testing.T) {
	t.Parallel()
	c := newStreamCache(5)
	use(c, "a", "b", "c", "d", "a", "b", "c", "d")
	x, y := c.hold("x"), c.hold("y")
	d := c.hold("d")
	if evicted := use(c, "z"); !slices.Equal(evicted, []string{"z", "a"}) {
		t.Fatalf("evicted %v, want z (idle on probation), then a (oldest idle protected)", evicted)
	}
	for i := range 100 {
		use(c, fmt.Sprint("cold-", i), fmt.Sprint("cold-", i))
	}
	for _, e := range []*streamEntry{x, y, d} {
		if again := c.hold(e.id); again != e {
			t.Fatalf("%s, held, was evicted or duplicated", e.id)
		}
	}
	if n := c.len(); n != 5 {
		t.Fatalf("%d entries, want 5", n)
	}
}

// TestRepositoryLoadsResistScans: a report loading every item once, far
// more items than the cache holds, leaves the streams in steady use
// cached.
func TestRepositoryLoadsResistScans(t *testing.T) {
	t.Parallel()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[noted](reg, 1); err != nil {
		t.Fatal(err)
	}
	r := NewRepository(&oneEventStore{}, reg, RepositoryOptions{NewID: func() string { return "x" }, CachedStreams: 10})
	load := func(id string) {
		if err := r.Load(context.Background(), &notes{Base: domain.NewBase(id)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		for i := range 8 {
			load(fmt.Sprint("hot-", i))
		}
	}
	for i := range 200 {
		load(fmt.Sprint("cold-", i))
	}
	for i := range 8 {
		if _, ok := r.cache.byID[fmt.Sprint("hot-", i)]; !ok {
			t.Fatalf("hot-%d was evicted by the scan", i)
		}
	}
}

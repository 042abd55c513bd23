package domain

import "sync"

// Pooled parser state. Every appended event is canonicalised twice (the
// stores' append validation, then the v2 hash), and allocating a member
// stack and a reorder buffer for each parse was most of the garbage an
// append made; reusing them keeps the audit contract's cost per event
// small.
var parsers = sync.Pool{New: func() any { return &jcsParser{members: make([]member, 0, 16)} }}

// Bounds of what a parser returned to the pool may keep, so that one
// large or deeply nested document does not pin its buffers.
const (
	maxPooledMembers = 256
	maxPooledScratch = 64 << 10
)

// newParser returns a parser of src with empty, reused buffers.
func newParser(src []byte) *jcsParser {
	p := parsers.Get().(*jcsParser)
	p.src = src
	return p
}

// release returns p to the pool, without references to what it parsed.
func (p *jcsParser) release() {
	if cap(p.members) > maxPooledMembers || cap(p.scratch) > maxPooledScratch {
		return
	}
	members := p.members[:cap(p.members)]
	clear(members) // the keys point into the parsed data
	*p = jcsParser{members: members[:0], scratch: p.scratch[:0]}
	parsers.Put(p)
}

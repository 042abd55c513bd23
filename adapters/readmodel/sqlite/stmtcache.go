package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements a stmtCache keeps. A statement is
// prepared on each connection of the pool that runs it, and a view's
// pages take a few shapes (filters, sort, cursor, page size), so this
// covers many views at a bounded memory.
const maxCachedStmts = 128

// stmtCache keeps the read pool's prepared page statements by their text,
// so a page's query is parsed and planned once per connection instead of
// on every run: that costs about a third of a first page's time, and more
// for a statement of several SELECTs (see armConds). Values are bound, so
// the texts are few. When full it forgets an arbitrary statement;
// database/sql closes a statement only once its last rows are closed.
type stmtCache struct {
	mu    sync.Mutex
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of text, preparing it on the pool if
// it has none. It must not be called while holding one of the pool's
// connections (a transaction's): preparing takes a connection, and with
// every one held that way it would wait for itself. A statement it
// returns can be closed at any time by an eviction or a reset, after which
// running it fails; see reader.query.
func (c *stmtCache) get(ctx context.Context, text string) (*sql.Stmt, error) {
	if st := c.peek(text); st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, text) // outside the lock: it may wait for a connection
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.stmts[text]; ok { // prepared meanwhile by another reader
		_ = st.Close() // a statement that failed to close is gone all the same
		return have, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		for old, st := range c.stmts {
			_ = st.Close() // a statement that failed to close is gone all the same
			delete(c.stmts, old)
			break
		}
	}
	c.stmts[text] = st
	return st, nil
}

// peek returns the prepared statement of text, or nil.
func (c *stmtCache) peek(text string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[text]
}

// reset closes and forgets every statement: after a Drop, whose tables
// they may name, and on Close.
func (c *stmtCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for text, st := range c.stmts {
		_ = st.Close() // a statement that failed to close is gone all the same
		delete(c.stmts, text)
	}
}

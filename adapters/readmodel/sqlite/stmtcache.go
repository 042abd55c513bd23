package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync/atomic"
)

// maxCachedStmts bounds the statements a connection keeps prepared. A
// view's pages take a few shapes (filters, sort, cursor, page size), so
// this covers many views at a bounded memory.
const maxCachedStmts = 128

// The read pool's connections keep their page statements prepared, by
// text, so a page's query is parsed and planned once per connection
// instead of on every run: that costs about a third of a first page's
// time. They are the driver's own statements, which a page runs on the
// connection it holds (see reader.onPool): a page of a split In filter
// runs its text once per value at the same time (see armConds), so a text
// may have several, each running once at a time. Values are bound, so
// the texts are few.
//
// Each connection is a pageConn, which owns its statements: they are
// used only by the holder of the connection, and closed when the pool
// closes it (the driver would otherwise keep a closed connection's file
// open for them). After a Drop, whose tables they may name, the store
// moves stmtGen on, and each connection closes its older statements the
// next time it is used.

// readConnector opens the read pool's connections as pageConns.
type readConnector struct {
	dsn string
	drv driver.Driver
}

func (c readConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &pageConn{Conn: conn, idle: map[string][]driver.Stmt{}}, nil
}

func (c readConnector) Driver() driver.Driver { return c.drv }

// sqliteDriver is the driver registered as "sqlite".
var sqliteDriver = func() driver.Driver {
	db, _ := sql.Open("sqlite", "") // connects lazily: never here
	drv := db.Driver()
	_ = db.Close() // no connection to close
	return drv
}()

// pageConn is a connection of the read pool with its prepared page
// statements. It passes on the optional interfaces of the driver's
// connection that database/sql uses.
type pageConn struct {
	driver.Conn
	gen   uint64                   // the stmtGen its statements were prepared under
	idle  map[string][]driver.Stmt // prepared and not running
	n     int                      // statements in idle
	named []driver.NamedValue      // a buffer for a statement's arguments
}

// Close closes the statements, then the connection.
func (c *pageConn) Close() error {
	c.closeAll()
	return c.Conn.Close()
}

func (c *pageConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *pageConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *pageConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *pageConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *pageConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *pageConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *pageConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// The driver's connection has each of these; a newer driver without one
// fails here, at build time.
var _ interface {
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
} = (*pageConn)(nil)

// use readies the statements for a holder of the connection: those
// prepared before the store's generation gen are closed.
func (c *pageConn) use(gen uint64) {
	if c.gen != gen {
		c.closeAll()
		c.gen = gen
	}
}

// take returns a statement of text that is not running, preparing one if
// there is none.
func (c *pageConn) take(ctx context.Context, text string) (driver.Stmt, error) {
	if idle := c.idle[text]; len(idle) > 0 {
		st := idle[len(idle)-1]
		c.idle[text] = idle[:len(idle)-1]
		c.n--
		return st, nil
	}
	prep, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite read model: the driver cannot prepare with a context")
	}
	return prep.PrepareContext(ctx, text)
}

// give returns st, no longer running, to the idle ones. A full connection
// closes the statements of another text first.
func (c *pageConn) give(text string, st driver.Stmt) {
	if c.n >= maxCachedStmts {
		for old, sts := range c.idle {
			if old == text {
				continue
			}
			for _, s := range sts {
				_ = s.Close() // a statement that failed to close is gone all the same
			}
			c.n -= len(sts)
			delete(c.idle, old)
			break
		}
	}
	c.idle[text] = append(c.idle[text], st)
	c.n++
}

// closeAll closes and forgets every idle statement.
func (c *pageConn) closeAll() {
	for text, sts := range c.idle {
		for _, s := range sts {
			_ = s.Close() // a statement that failed to close is gone all the same
		}
		delete(c.idle, text)
	}
	c.n = 0
}

// stmtGen is the generation of the read pool's statements (see pageConn).
type stmtGen struct{ n atomic.Uint64 }

// reset has every connection close its statements before it runs any.
func (g *stmtGen) reset() { g.n.Add(1) }

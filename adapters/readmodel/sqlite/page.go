package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// runner runs a page's statements: on a connection of the read pool, or
// on the transaction of an Apply.
type runner interface {
	run(ctx context.Context, text string, args []any) (rowIter, error)
	// inSnapshot reports whether the statements run in one transaction.
	inSnapshot() bool
}

// rowIter is the rows of a statement that yields id, the document, then
// the sort values.
type rowIter interface {
	// next returns the next row, valid until the next call, or io.EOF.
	next() ([]driver.Value, error)
	close() error
}

// readPage runs the statements of a page in order (see pageSQL), each for
// the rows still missing and one more: if that row exists there is a next
// page, whose cursor is made of the page's last row.
func readPage(ctx context.Context, run runner, p query.Plan, stmts []*sqlText) (application.Page, error) {
	page := application.Page{Items: make([]json.RawMessage, 0, min(p.Limit, 64))}
	last := make([]driver.Value, 2+len(p.Sort))
	for _, st := range stmts {
		// The limit is written into the text, not bound: SQLite plans with
		// the value of a bound LIMIT, so it would prepare the statement a
		// second time on every run to look at the new binding.
		st.b.WriteString(" LIMIT ") // onto st's text, not a copy of it: st runs once
		st.b.WriteString(strconv.Itoa(p.Limit + 1 - len(page.Items)))
		rows, err := openRows(ctx, run, st, p)
		if err != nil {
			return application.Page{}, err
		}
		more, err := scanPage(ctx, rows, &page, p.Limit, last)
		if err := errors.Join(err, rows.close()); err != nil {
			return application.Page{}, err
		}
		if more {
			keys := make([]any, len(p.Sort))
			for i, k := range p.Sort {
				keys[i] = fromSQL(k.Field.Type, last[2+i])
			}
			page.Next = p.Next(keys, text(last[0]))
			break
		}
	}
	return page, nil
}

// scanPage adds rows' documents to page until it holds limit, keeping the
// last one's values in last, and reports whether a row is left. It stops
// when ctx ends: the driver interrupts a statement only while it is
// started.
func scanPage(ctx context.Context, rows rowIter, page *application.Page, limit int, last []driver.Value) (more bool, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		row, err := rows.next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if len(page.Items) == limit {
			return true, nil
		}
		page.Items = append(page.Items, json.RawMessage(text(row[1])))
		copy(last, row)
	}
}

// openRows runs st: once, or once per value of its split In filter, the
// runs merged in the page's order (see armConds).
//
// The runs must read one snapshot. In a transaction they do. Outside one,
// SQLite keeps a connection's read snapshot while one of its statements
// has a row left, and a statement started meanwhile reads the same: so
// the runs before the first that has a row, which found none, each in a
// snapshot of its own, run again once that one holds the snapshot. If no
// run has a row, no snapshot was held: openRows fails with
// errNoSnapshot, and the page is read again in a transaction.
func openRows(ctx context.Context, run runner, st *sqlText, p query.Plan) (rowIter, error) {
	text := st.b.String()
	if st.arms == nil {
		return run.run(ctx, text, st.args)
	}
	m := &merged{order: rowOrder(p.Sort), cur: -1, next2: -1, runs: make([]rowIter, len(st.arms)), heads: make([][]driver.Value, len(st.arms))}
	start := func(i int) error {
		st.args[st.armArg] = st.arms[i] // bound by run, so each run keeps its own
		rows, err := run.run(ctx, text, st.args)
		if err != nil {
			return err
		}
		m.runs[i] = rows
		head, err := rows.next()
		if errors.Is(err, io.EOF) {
			head, err = nil, nil
		}
		m.heads[i] = head
		return err
	}
	held := run.inSnapshot()
	for i := range st.arms {
		if err := start(i); err != nil {
			return nil, errors.Join(err, m.close())
		}
		if held || m.heads[i] == nil {
			continue
		}
		held = true
		for j := range i {
			err := m.runs[j].close()
			m.runs[j] = nil
			if err == nil {
				err = start(j)
			}
			if err != nil {
				return nil, errors.Join(err, m.close())
			}
		}
	}
	if !held {
		return nil, errors.Join(errNoSnapshot, m.close())
	}
	return m, nil
}

// errNoSnapshot is openRows' failure to hold a snapshot outside a
// transaction.
var errNoSnapshot = errors.New("sqlite read model: the runs of a statement read no common snapshot")

// text is a TEXT value as read back: the driver gives a string, and
// database/sql may give bytes.
func text(v driver.Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := v.([]byte)
	return string(b)
}

// onPool runs f on a connection of the read pool, with its prepared
// statements: within one read transaction if several is set, so that a
// page's statements all see one snapshot and a concurrent commit cannot
// move a row from one statement's range to another's within a page, and
// again in one if f fails with errNoSnapshot (see openRows).
func (r reader) onPool(ctx context.Context, several bool, f func(runner) error) error {
	conn, err := r.s.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }() // gives the connection back to the pool; Raw reports its failures
	return conn.Raw(func(c any) error {
		pc, ok := c.(*pageConn)
		if !ok {
			return errors.New("sqlite read model: a read connection without its statements")
		}
		pc.use(r.stmts.n.Load())
		on := poolRunner{c: pc}
		if !several {
			if err := f(on); !errors.Is(err, errNoSnapshot) {
				return err
			}
		}
		if err := on.exec(ctx, "BEGIN"); err != nil {
			return err
		}
		on.tx = true
		err := f(on)
		if e := on.exec(context.WithoutCancel(ctx), "ROLLBACK"); e != nil {
			// The connection may still be in the transaction: the pool
			// discards it.
			return errors.Join(err, e, driver.ErrBadConn)
		}
		return err
	})
}

// poolRunner runs statements on a connection of the read pool that the
// reader holds, through the connection's prepared statements.
type poolRunner struct {
	c  *pageConn
	tx bool // in a transaction begun by onPool
}

func (p poolRunner) inSnapshot() bool { return p.tx }

func (p poolRunner) run(ctx context.Context, text string, args []any) (rowIter, error) {
	named := p.c.named[:0] // the driver copies what it binds
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, err
		}
		named = append(named, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	p.c.named = named
	st, err := p.c.take(ctx, text)
	if err != nil {
		return nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, named)
	if err != nil {
		_ = st.Close() // not reused after a failure; its error is err's
		return nil, err
	}
	return &driverRows{rows: rows, row: make([]driver.Value, len(rows.Columns())), st: st, text: text, c: p.c}, nil
}

// exec runs a statement without rows or arguments, such as BEGIN.
func (p poolRunner) exec(ctx context.Context, text string) error {
	st, err := p.c.take(ctx, text)
	if err != nil {
		return err
	}
	if _, err := st.(driver.StmtExecContext).ExecContext(ctx, nil); err != nil {
		_ = st.Close() // not reused after a failure; its error is err's
		return err
	}
	p.c.give(text, st)
	return nil
}

// driverRows are the rows of a prepared statement of a connection, which
// closing them gives back.
type driverRows struct {
	rows driver.Rows
	row  []driver.Value
	st   driver.Stmt
	text string
	c    *pageConn
}

func (d *driverRows) next() ([]driver.Value, error) {
	if err := d.rows.Next(d.row); err != nil {
		return nil, err
	}
	return d.row, nil
}

func (d *driverRows) close() error {
	if err := d.rows.Close(); err != nil {
		_ = d.st.Close() // not reused after a failure; its error is err's
		return err
	}
	d.c.give(d.text, d.st)
	return nil
}

// txRunner runs statements on an Apply's transaction, so that its reads
// see its own writes; each runs once.
type txRunner struct{ q querier }

func (txRunner) inSnapshot() bool { return true }

func (t txRunner) run(ctx context.Context, text string, args []any) (rowIter, error) {
	rows, err := t.q.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	cols, err := rows.Columns()
	if err != nil {
		return nil, errors.Join(err, rows.Close())
	}
	width := len(cols)
	s := &sqlRows{rows: rows, row: make([]driver.Value, width), vals: make([]any, width), dest: make([]any, width)}
	for i := range s.dest {
		s.dest[i] = &s.vals[i]
	}
	return s, nil
}

// sqlRows are the rows of a statement run through database/sql.
type sqlRows struct {
	rows *sql.Rows
	row  []driver.Value
	vals []any
	dest []any // pointers into vals
}

func (s *sqlRows) next() ([]driver.Value, error) {
	if !s.rows.Next() {
		if err := s.rows.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	if err := s.rows.Scan(s.dest...); err != nil {
		return nil, err
	}
	for i, v := range s.vals {
		s.row[i] = v
	}
	return s.row, nil
}

func (s *sqlRows) close() error { return s.rows.Close() }

package simulated

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/webos-engine/webos/modules/payments"
)

// Open returns a gateway that behaves as b and keeps its ledger in the
// file at path, as a provider outside the process keeps its own: every
// change of a charge is written to the file (one JSON line with the
// whole charge) before the gateway answers, and Open reads back what an
// earlier process wrote. A process killed at any point leaves every
// charge it answered for in the file, so a charge made again after a
// restart shows in DoubleCharges. Writes are not synced: the file
// outlives the process, not the machine. Close it when done.
func Open(path string, b Behaviour) (*Gateway, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("simulated gateway ledger: %w", err)
	}
	g := New(b)
	if err := g.load(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("simulated gateway ledger %s: %w", path, err)
	}
	g.journal = f
	return g, nil
}

// load reads the charges an earlier process wrote; the latest line of a
// key is its charge. A last line cut short by a crash is dropped.
func (g *Gateway) load(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var torn error
	for sc.Scan() {
		if torn != nil {
			return torn // a bad line before the last one is not a crash's
		}
		var c Charge
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil || c.Key == "" {
			torn = errors.New("a line is not a charge")
			continue
		}
		if _, seen := g.charges[c.Key]; !seen {
			g.order = append(g.order, c.Key)
		}
		g.charges[c.Key] = &c
	}
	return sc.Err()
}

// record writes c to the journal, if any. g.mu is held.
func (g *Gateway) record(c *Charge) error {
	if g.journal == nil {
		return nil
	}
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := g.journal.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("%w: the ledger could not be written: %w", payments.ErrUnavailable, err)
	}
	return nil
}

// Close closes the ledger file of a gateway from Open.
func (g *Gateway) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.journal == nil {
		return nil
	}
	err := g.journal.Close()
	g.journal = nil
	return err
}

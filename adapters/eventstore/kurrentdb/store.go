package kurrentdb

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/application"
)

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("kurrentdb event store: closed")

// Options tune Open; the zero value is usable.
type Options struct {
	// DialTimeout bounds the first contact with the server in Open
	// (default 5s): an unreachable server fails Open instead of hanging.
	DialTimeout time.Duration
	// Logger receives subscription drops and the client's own log lines
	// (at debug level); nil discards them.
	Logger *slog.Logger
}

// Store is an application.EventStore on KurrentDB. See the package doc.
type Store struct {
	cfg    *kurrentdb.Configuration
	n      names
	log    *slog.Logger
	id     string
	origin uint64 // position of the store-id event: the store's history follows it
	done   chan struct{}
	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	heads  *heads
	reads  headReads

	mu     sync.Mutex
	client *kurrentdb.Client
	closed bool
}

var _ application.EventStore = (*Store)(nil)

// Open connects to the server named by url (kurrentdb://host:port?tls=false
// and the other forms the client accepts, plus namespace=NAME) and creates
// the store's namespace the first time. It fails within opts.DialTimeout
// when the server cannot be reached.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, ns, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, n: names{ns: ns}, log: opts.Logger, done: make(chan struct{}), heads: newHeads(),
		reads: headReads{running: map[string]bool{}, next: map[string]*headRead{}}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = func(level kurrentdb.LogLevel, format string, args ...any) {
		s.log.Debug("kurrentdb client: "+fmt.Sprintf(format, args...), "level", level)
	}
	if s.client, err = kurrentdb.NewClient(cfg); err != nil {
		return nil, fmt.Errorf("kurrentdb URL %s: %w", Redact(url), err)
	}
	timeout := opts.DialTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.loadStoreID(dctx); err != nil {
		_ = s.Close()
		var ke *kurrentdb.Error
		switch {
		case ctx.Err() == nil && dctx.Err() != nil:
			err = fmt.Errorf("no answer within %s", timeout)
		case errors.As(err, &ke) && ke.Code() == kurrentdb.ErrorUnavailable:
			err = fmt.Errorf("server unreachable: %w", ke)
		}
		return nil, fmt.Errorf("kurrentdb event store %s: %w", Redact(url), err)
	}
	return s, nil
}

// storeCreated is the data of the event that gives a namespace its id.
type storeCreated struct {
	StoreID   string `json:"storeId"`
	Namespace string `json:"namespace"`
}

// loadStoreID reads the namespace's store id, creating it the first time.
// Two processes opening a new namespace at once agree: the second one's
// append conflicts and it reads the first one's id.
func (s *Store) loadStoreID(ctx context.Context) error {
	for range 3 {
		evs, err := s.readStream(ctx, s.n.storeStream(), kurrentdb.Start{}, kurrentdb.Forwards, 1)
		if err != nil {
			return err
		}
		if len(evs) == 1 {
			var sc storeCreated
			if err := json.Unmarshal(evs[0].Data, &sc); err != nil || sc.StoreID == "" {
				return fmt.Errorf("stream %s does not hold a store id", s.n.storeStream())
			}
			s.id, s.origin = sc.StoreID, evs[0].Position.Commit
			return nil
		}
		data, _ := json.Marshal(storeCreated{StoreID: rand.Text(), Namespace: s.n.ns})
		ev := kurrentdb.EventData{EventID: s.n.eventUUID("s", ""), EventType: "webos.StoreCreated", ContentType: kurrentdb.ContentTypeJson, Data: data}
		_, err = s.client.MultiStreamAppend(ctx, slices.Values([]kurrentdb.AppendStreamRequest{{
			StreamName: s.n.storeStream(), Events: slices.Values([]kurrentdb.EventData{ev}), ExpectedStreamState: kurrentdb.NoStream{},
		}}))
		if err != nil && conflictStream(err) == "" {
			return clientError(err)
		}
	}
	return errors.New("the store id stream keeps changing")
}

// StoreID returns the id kept in the namespace's store stream.
func (s *Store) StoreID(ctx context.Context) (string, error) {
	if err := s.usable(ctx); err != nil {
		return "", err
	}
	return s.id, nil
}

// Close closes the connection and ends every subscription with ErrClosed.
// It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	s.cancel()
	return s.client.Close()
}

func (s *Store) usable(ctx context.Context) error {
	select {
	case <-s.done:
		return ErrClosed
	default:
		return ctx.Err()
	}
}

// conn returns the current client.
func (s *Store) conn() (*kurrentdb.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	return s.client, nil
}

// recover replaces c when err says it gave up on its connection: the
// client rediscovers the server a few times after a failure and then
// closes itself for good.
func (s *Store) recover(c *kurrentdb.Client, err error) {
	var ke *kurrentdb.Error
	if !errors.As(err, &ke) || ke.Code() != kurrentdb.ErrorCodeConnectionClosed {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.client != c {
		return
	}
	nc, nerr := kurrentdb.NewClient(s.cfg)
	if nerr != nil {
		return
	}
	_ = c.Close()
	s.client = nc
	s.log.Warn("kurrentdb: the client gave up on its connection; using a new one", "err", err)
}

// fail turns a client error into the store's: ErrClosed after Close, the
// context's error when it ended, the client error otherwise.
func (s *Store) fail(ctx context.Context, c *kurrentdb.Client, err error) error {
	if uerr := s.usable(ctx); uerr != nil {
		return uerr
	}
	s.recover(c, err)
	return clientError(err)
}

func clientError(err error) error {
	var ke *kurrentdb.Error
	if errors.As(err, &ke) && ke.Code() == kurrentdb.ErrorCodeUnsupportedFeature {
		return errors.New("kurrentdb: the server does not support multi-stream appends (KurrentDB 25.1 or later is needed)")
	}
	return fmt.Errorf("kurrentdb: %w", err)
}

// conflictStream is the stream whose expected revision failed, "" when err
// is not a revision conflict.
func conflictStream(err error) string {
	var rc *kurrentdb.StreamRevisionConflictError
	if errors.As(err, &rc) {
		return rc.Stream
	}
	return ""
}

// readStream reads up to count events of a KurrentDB stream; a stream
// that does not exist reads as empty.
func (s *Store) readStream(ctx context.Context, stream string, from kurrentdb.StreamPosition, dir kurrentdb.Direction, count uint64) ([]*kurrentdb.RecordedEvent, error) {
	c, err := s.conn()
	if err != nil {
		return nil, err
	}
	rs, err := c.ReadStream(ctx, stream, kurrentdb.ReadStreamOptions{Direction: dir, From: from}, count)
	if err != nil {
		return nil, s.fail(ctx, c, err)
	}
	out, err := drain(rs)
	var ke *kurrentdb.Error
	if errors.As(err, &ke) && ke.Code() == kurrentdb.ErrorCodeResourceNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(ctx, c, err)
	}
	return out, nil
}

// drain reads a read's events to the end and closes it.
func drain(rs *kurrentdb.ReadStream) ([]*kurrentdb.RecordedEvent, error) {
	defer rs.Close()
	var out []*kurrentdb.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ev.Event)
	}
}

// Namespace is the namespace the store lives in.
func (s *Store) Namespace() string { return s.n.ns }

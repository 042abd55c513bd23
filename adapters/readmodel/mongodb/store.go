// Package mongodb is an application.ReadModelStore on MongoDB (and servers
// speaking its wire protocol, such as FerretDB), through the official Go
// driver.
//
// Each document is stored wrapped: {_id: id, doc: the document, key: the
// declared fields normalised by package query, at: {projection: position
// of the last event applied}}. Queries filter and sort on key, so mistyped
// values count as missing and numbers compare exactly as in the other
// adapters (an int64 and a double compare by value on the server), and
// declared indexes are built over key.
//
// An Apply buffers its writes, so nothing of a batch is visible before it
// ends, and writes them in one bulk write per collection, then the
// checkpoint. On a replica set (or a sharded cluster) both go in one
// multi-document transaction. Without transactions (a standalone server,
// FerretDB) the positions in at make a crash between the two writes safe:
// the batch is applied again and every write of an event a document has
// already seen is skipped (see application.EventTx). A deleted document
// then stays as a tombstone {gone: true} until the checkpoint passes it.
// The store reads the positions of the documents a batch writes without
// reading them only while some of its events may be at or below the
// highest position stored (after a crash, until the batch applied again
// passes it): in the steady state a batch is its bulk writes and the
// checkpoint, and nothing more (seen.go).
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/application"
)

// Names of the store's own collections. They start with an underscore, which
// no read-model collection name may (query.ValidName).
const (
	checkpointsName = "_checkpoints"
	specsName       = "_collections"
)

// DefaultDatabase is the database used when the URL names none.
const DefaultDatabase = "webos"

// selectionTimeout bounds the wait for a reachable server at Open (unless
// the URL sets serverSelectionTimeoutMS), so an unreachable one fails fast.
const selectionTimeout = 5 * time.Second

// Store is the MongoDB read-model store. It is safe for concurrent use;
// Apply, Reset and Declare are serialised.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	cps    *mongo.Collection
	specs  *mongo.Collection
	txn    bool
	// maxOps bounds the writes of one bulk write request, 0 for no bound
	// but the server's (see ferretDBMaxOps).
	maxOps int

	// writer serialises Apply, Reset, Declare and Drop, and guards
	// seenBound.
	writer sync.Mutex
	// seenBound bounds the positions each projection's documents hold per
	// collection, where known (see dropSeen).
	seenBound map[seenKey]uint64
	mu        sync.RWMutex
	// declared holds the merged spec of every declared collection.
	declared map[string]application.CollectionSpec
}

var _ application.ReadModelStore = (*Store)(nil)

// Open connects to the server at rawURL (mongodb:// or mongodb+srv://; the
// path names the database, DefaultDatabase if empty), checks that it
// answers and loads the declared collections.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
		return nil, errors.New("not a mongodb:// URL")
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" {
		dbName = DefaultDatabase
	}
	opts := options.Client().ApplyURI(rawURL)
	if !u.Query().Has("serverSelectionTimeoutMS") {
		opts.SetServerSelectionTimeout(selectionTimeout)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, err
	}
	s := &Store{client: client, db: client.Database(dbName), declared: map[string]application.CollectionSpec{},
		seenBound: map[seenKey]uint64{}}
	s.cps, s.specs = s.db.Collection(checkpointsName), s.db.Collection(specsName)
	if err := s.start(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, unreachable(err)
	}
	return s, nil
}

// unreachable shortens the driver's server selection error, which lists
// the whole topology, to the last error met reaching the server.
func unreachable(err error) error {
	msg := err.Error()
	i := strings.Index(msg, "Last error: ")
	if i < 0 {
		return err
	}
	last := msg[i+len("Last error: "):]
	if j := strings.Index(last, " }"); j >= 0 {
		last = last[:j]
	}
	return fmt.Errorf("no server answered within the server selection timeout (%s)", last)
}

// ferretDBMaxOps is how many writes one bulk write request may hold on
// FerretDB: v1.24 stops answering (on either backend) an update command
// of 100 upserts that change existing documents, while 90 pass; so bulk
// writes go in requests of at most 64 there.
const ferretDBMaxOps = 64

// start asks the server whether it takes transactions and whether it is
// FerretDB, and loads the specs.
func (s *Store) start(ctx context.Context) error {
	build, err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return err
	}
	if _, ferret := build.Lookup("ferretdbVersion").StringValueOK(); ferret {
		s.maxOps = ferretDBMaxOps
	}
	var hello struct {
		SetName string `bson:"setName"`
		Msg     string `bson:"msg"`
	}
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return err
	}
	// Multi-document transactions need a replica set or a sharded cluster.
	s.txn = hello.SetName != "" || hello.Msg == "isdbgrid"
	return s.loadSpecs(ctx)
}

// Transactions reports whether the server takes multi-document
// transactions, so an Apply commits its documents and checkpoint in one.
func (s *Store) Transactions() bool { return s.txn }

// Close disconnects from the server. Closing twice is harmless.
func (s *Store) Close() error {
	err := s.client.Disconnect(context.Background())
	if errors.Is(err, mongo.ErrClientDisconnected) {
		return nil
	}
	return err
}

// bulkWrite runs models on collection c, unordered, in requests of at most
// maxOps writes.
func (s *Store) bulkWrite(ctx context.Context, c *mongo.Collection, models []mongo.WriteModel) error {
	for len(models) > 0 {
		n := len(models)
		if s.maxOps > 0 {
			n = min(n, s.maxOps)
		}
		if _, err := c.BulkWrite(ctx, models[:n], options.BulkWrite().SetOrdered(false)); err != nil {
			return err
		}
		models = models[n:]
	}
	return nil
}

// coll returns the MongoDB collection of a read-model collection.
func (s *Store) coll(name string) *mongo.Collection { return s.db.Collection(name) }

package kurrentdbtest

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/serverfeatures"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/shared"
	streamsv1 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams"
	streamsv2 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v2/streams/streams"
	"google.golang.org/grpc"
)

// Server is a running test double. Its log survives Stop and Restart.
type Server struct {
	log *eventLog
	mu  sync.Mutex
	// addr is fixed by the first listener, so the client finds the
	// restarted server where it left it.
	addr string
	srv  *grpc.Server
}

// Start serves a new, empty log on a free port of 127.0.0.1 and stops the
// server when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{log: newEventLog()}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("kurrentdbtest: listen: %v", err)
	}
	s.addr = lis.Addr().String()
	s.serve(lis)
	t.Cleanup(s.Stop)
	return s
}

// URL is the connection string the client needs: plain text, one node.
func (s *Server) URL() string {
	return "kurrentdb://" + s.addr + "?tls=false"
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// Stop closes the listener and every open call, as a crashed node would.
// It is idempotent.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Stop()
	}
}

// Restart serves the same log again on the same address after Stop. It
// retries the listen for a while, since the port may linger briefly.
func (s *Server) Restart() error {
	var lis net.Listener
	var err error
	for range 100 {
		if lis, err = net.Listen("tcp", s.addr); err == nil {
			s.serve(lis)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("kurrentdbtest: listen again on %s: %w", s.addr, err)
}

// AppendForeign writes events that are not the engine's (another
// application's stream or a system stream), as a shared server holds.
func (s *Server) AppendForeign(stream, eventType string, n int) {
	for range n {
		s.log.appendRaw(stream, eventType, []byte(`{}`))
	}
}

func (s *Server) serve(lis net.Listener) {
	srv := grpc.NewServer()
	serverfeatures.RegisterServerFeaturesServer(srv, features{})
	streamsv1.RegisterStreamsServer(srv, &readServer{log: s.log})
	streamsv2.RegisterStreamsServiceServer(srv, &appendServer{log: s.log})
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(lis) }()
}

// features answers the client's feature discovery.
type features struct {
	serverfeatures.UnimplementedServerFeaturesServer
}

// GetSupportedMethods lists what the double serves; the client enables
// MultiStreamAppend when it sees appendsession.
func (features) GetSupportedMethods(context.Context, *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: "25.1.0",
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: "event_store.client.streams.streams", MethodName: "read"},
			{ServiceName: "kurrentdb.protocol.v2.streams.streamsservice", MethodName: "appendsession"},
		},
	}, nil
}

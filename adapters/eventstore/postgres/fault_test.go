package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/domain"
)

// TestUnreachableServerFailsFast opens a store on a port nothing listens
// on: Open must fail at once with one line that names the server and not
// the password.
func TestUnreachableServerFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	start := time.Now()
	_, err = postgres.Open(context.Background(), "postgres://webos:s3cret-pw@"+addr+"/events?sslmode=disable",
		postgres.WithConnectTimeout(2*time.Second))
	if err == nil {
		t.Fatal("Open succeeded on a closed port")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("Open took %s to fail", took)
	}
	msg := err.Error()
	if !strings.Contains(msg, "postgres event store "+addr+"/events") || strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "\n") {
		t.Fatalf("error %q: want one line naming %s/events, without the password", msg, addr)
	}
}

// TestBadURL refuses a URL pgx cannot parse without quoting it back.
func TestBadURL(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:pw@host:notaport/db")
	if err == nil || strings.Contains(err.Error(), "pw") {
		t.Fatalf("err = %v, want one that does not repeat the URL", err)
	}
}

// TestTerminatedBackends kills every backend of a writing Store and of a
// subscribing one, again and again, while 4 writers append: each append
// either succeeds or is retried by its writer with the same events, and
// in the end the feed holds each event once and the subscriber saw exactly
// the feed, in order.
func TestTerminatedBackends(t *testing.T) {
	const writers, appends = 4, 20
	url, schema := pgtest.URL(t), pgtest.Schema(t, "es_kill")
	app := strings.TrimPrefix(schema, "es_kill_")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func(name string) *postgres.Store {
		s, err := postgres.Open(ctx, url+"&application_name="+name, postgres.WithSchema(schema), postgres.WithPollInterval(50*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	w, r := open("w"+app), open("r"+app)
	sub := collect(r.Subscribe(ctx, 0))
	stop := make(chan struct{})
	var killer sync.WaitGroup
	killer.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			pgtest.Exec(t, url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name IN ($1, $2)", "w"+app, "r"+app)
		}
	})
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for range appends {
				evs := events(2)
				for try := 0; ; try++ {
					_, err := w.Append(ctx, fmt.Sprintf("k-%d", i), domain.AnyVersion, evs)
					var de *domain.Error
					if err == nil || errors.As(err, &de) && de.Code == "duplicate_event" {
						break // stored, now or by an attempt whose answer was lost
					}
					if try == 50 {
						t.Errorf("writer %d: %v", i, err)
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	killer.Wait()
	all, err := w.ReadAll(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != writers*appends*2 {
		t.Fatalf("feed holds %d events, want %d", len(all), writers*appends*2)
	}
	sub.waitFor(t, len(all), 10*time.Second)
	cancel()
	<-sub.done
	sub.same(t, all)
}

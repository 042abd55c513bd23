package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/domain"
)

// TestTwoStoresOneFile stands in for two processes: separate Stores, so
// separate writers and group commits, race on one stream of one file. Only
// the database can keep them to one winner per version.
func TestTwoStoresOneFile(t *testing.T) {
	const writers, each = 16, 4
	path := filepath.Join(t.TempDir(), "events.db")
	var stores [2]*sqlite.Store
	for i := range stores {
		s, err := sqlite.Open(path, sqlite.WithPollInterval(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mustClose(t, s) })
		stores[i] = s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	watch := stores[1].Subscribe(ctx, 0) // sees store 0's appends by polling
	var mu sync.Mutex
	wins := map[uint64]int{}
	var wg sync.WaitGroup
	for w := range writers {
		s := stores[w%2]
		wg.Go(func() {
			for landed := 0; landed < each; {
				v, err := s.StreamVersion(ctx, "hot")
				if err == nil {
					var out []domain.Envelope
					out, err = s.Append(ctx, "hot", domain.ExpectedVersion(v), events(fmt.Sprintf("w%d-%d", w, landed), 1))
					if err == nil {
						mu.Lock()
						wins[out[0].StreamVersion]++
						mu.Unlock()
						landed++
						continue
					}
				}
				if !errors.Is(err, domain.ErrConflict) {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for v := uint64(1); v <= writers*each; v++ {
		if wins[v] != 1 {
			t.Fatalf("version %d won %d times", v, wins[v])
		}
	}
	for i, s := range stores {
		got, err := s.ReadStream(ctx, "hot", 0, 0, 0)
		if err != nil || len(got) != writers*each || domain.VerifyChain("", got) != nil {
			t.Fatalf("store %d reads %d events (%v), chain %v", i, len(got), err, domain.VerifyChain("", got))
		}
	}
	for i := range writers * each {
		if e := <-watch.Events(); e.Position != uint64(i+1) {
			t.Fatalf("subscriber got position %d, want %d", e.Position, i+1)
		}
	}
}

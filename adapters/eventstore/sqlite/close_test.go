package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/domain"
)

// TestCloseDrainsAppends closes the store while appends are in flight:
// each one must either succeed, and then be in the file, or fail with
// ErrClosed having written nothing; none may hang.
func TestCloseDrainsAppends(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var landed atomic.Int64
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				_, err := s.Append(ctx, fmt.Sprintf("s-%d", w), domain.ExpectedVersion(2*i), events(fmt.Sprintf("w%d-%d", w, i), 2))
				if errors.Is(err, sqlite.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				landed.Add(2)
			}
		})
	}
	for deadline := time.Now().Add(5 * time.Second); landed.Load() < 200 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	if h, err := s.Head(ctx); err != nil || int64(h) != landed.Load() {
		t.Fatalf("file holds %d events (%v); %d appends were acknowledged", h, err, landed.Load())
	}
}

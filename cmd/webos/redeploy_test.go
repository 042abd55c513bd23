package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/domain"
)

// The test hooks of a webostest build (testhooks_on.go): the warehouse
// stock projection at version 2, as a build with its code changed would
// declare it, and background rebuilds slowed down enough to watch.
var (
	stockV2  = "WEBOS_TEST_PROJECTION_VERSIONS=warehouse.stock=2"
	slowDown = "WEBOS_TEST_REBUILD_PAUSE=150ms"
)

// TestRedeployAProjectionVersion runs the real binary through a version
// bump of warehouse.stock, on SQLite read models and on MongoDB
// (FerretDB): version 1 serves while version 2 is rebuilt in the
// background, also across a SIGKILL in the middle of the rebuild, which
// resumes from version 2's own checkpoint; every view read meanwhile
// answers the whole of version 1 or the whole of version 2; then version
// 2 serves, also after a restart, and version 1's collection is gone.
func TestRedeployAProjectionVersion(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		redeploy(t, dir, nil, func(t *testing.T) []string {
			s, err := sqlite.Open(filepath.Join(dir, "readmodels.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = s.Close() }()
			var names []string
			for _, c := range []string{"warehouse_stock", "warehouse_stock@v2"} {
				if _, err := s.Count(context.Background(), c, nil); domain.KindOf(err) != domain.KindNotFound {
					names = append(names, c)
				}
			}
			return names
		})
	})
	t.Run("ferretdb", func(t *testing.T) {
		t.Parallel()
		srv := ferretdbtest.Start(t)
		db := ferretdbtest.Database("webos_redeploy")
		redeploy(t, t.TempDir(), []string{"--readmodels=" + srv.URL(db)}, func(t *testing.T) []string {
			client, err := mongo.Connect(options.Client().ApplyURI(srv.URL(db)))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = client.Disconnect(context.Background()) }()
			names, err := client.Database(db).ListCollectionNames(context.Background(),
				bson.D{{Key: "name", Value: bson.D{{Key: "$regex", Value: "^warehouse_stock"}}}})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(names)
			return names
		})
	})
}

// redeploy runs the scenario on dataDir with the serve flags extra;
// collections lists the store's collections of warehouse_stock (of any
// version) while no process runs.
func redeploy(t *testing.T, dataDir string, extra []string, collections func(*testing.T) []string) {
	p := serve(t, dataDir, extra...)
	for i := range 20 {
		sku := fmt.Sprintf("RD-%02d", i)
		p.command("warehouse.RegisterItem", `{"sku":"`+sku+`","name":"Item","unit":"pcs","lowStockThreshold":1}`)
		p.command("warehouse.ReceiveStock", `{"sku":"`+sku+`","quantity":`+fmt.Sprint(i+1)+`}`)
	}
	p.caughtUp()
	want := p.items("warehouse.stock", "&sort=sku")
	if len(want) != 20 {
		t.Fatalf("version 1 serves %d rows, want 20", len(want))
	}
	p.stop()
	env := []string{stockV2, slowDown}

	// Version 2 is rebuilt in the background while version 1 serves; the
	// process is killed part way.
	p = serveEnv(t, dataDir, env, extra...)
	readers := watchView(t, p, want)
	st := p.stockStatus()
	if st["version"] != 1.0 || st["state"] != "serving" || st["rebuild"] == nil {
		t.Fatalf("status at the start of the rebuild: %v", st)
	}
	var before float64
	for deadline := time.Now().Add(30 * time.Second); before == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("the rebuild made no progress: %v", p.stockStatus())
		}
		rb, _ := p.stockStatus()["rebuild"].(map[string]any)
		if rb == nil {
			t.Fatalf("version 2 served before the test could kill the rebuild: %v", p.stockStatus())
		}
		before = rb["checkpoint"].(float64)
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("killed with the rebuild at checkpoint %v after %d reads", before, readers.stop())
	p.kill()

	// Restarted, the rebuild goes on from version 2's own checkpoint, and
	// version 1 serves until version 2 takes over.
	p = serveEnv(t, dataDir, env, extra...)
	readers = watchView(t, p, want)
	st = p.stockStatus()
	rb, _ := st["rebuild"].(map[string]any)
	if st["version"] != 1.0 || rb == nil || rb["checkpoint"].(float64) < before || rb["progress"] == nil {
		t.Fatalf("after SIGKILL the rebuild did not resume from checkpoint %v: %v", before, st)
	}
	// A clean stop does not wait for the rebuild to end: it resumes at
	// the next start.
	readers.stop()
	start := time.Now()
	p.stop()
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("SIGTERM during the rebuild took %s", took)
	}
	p = serveEnv(t, dataDir, env, extra...)
	readers = watchView(t, p, want)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("version 2 never served: %v", p.stockStatus())
		}
		if st := p.stockStatus(); st["version"] == 2.0 && st["rebuild"] == nil {
			break
		}
	}
	if n := readers.stop(); n < 10 {
		t.Fatalf("only %d view reads ran during the rebuild", n)
	}
	t.Logf("resumed at checkpoint %v (killed at %v); version 2 served; every view read answered the whole list", rb["checkpoint"], before)
	p.stop()
	if got := collections(t); !reflect.DeepEqual(got, []string{"warehouse_stock@v2"}) {
		t.Fatalf("collections after the switch: %v, want version 2's alone", got)
	}

	// The version in use survives a restart, and follows new commands.
	p = serveEnv(t, dataDir, []string{stockV2}, extra...)
	if st := p.stockStatus(); st["version"] != 2.0 || st["rebuild"] != nil {
		t.Fatalf("after a restart: %v", st)
	}
	if got := p.items("warehouse.stock", "&sort=sku"); !reflect.DeepEqual(got, want) {
		t.Fatalf("version 2 serves %v, want %v", got, want)
	}
	p.command("warehouse.ReceiveStock", `{"sku":"RD-00","quantity":5}`)
	p.caughtUp()
	if got := p.items("warehouse.stock", "&filter[sku]=RD-00"); len(got) != 1 || got[0]["onHand"] != 6.0 {
		t.Fatalf("version 2 after a new command: %v", got)
	}
	p.stop()

	// webos projections rebuild replays the version in use, in place.
	cmd := exec.Command(binary(t), append([]string{"projections", "rebuild", "warehouse.stock", "--data-dir", dataDir}, extra...)...)
	cmd.Env = append(os.Environ(), stockV2)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "rebuilt warehouse.stock") {
		t.Fatalf("projections rebuild: %v\n%s", err, out)
	}
	if got := collections(t); !reflect.DeepEqual(got, []string{"warehouse_stock@v2"}) {
		t.Fatalf("collections after projections rebuild: %v", got)
	}
	p = serveEnv(t, dataDir, []string{stockV2}, extra...)
	if got := p.items("warehouse.stock", "&filter[sku]=RD-00"); len(got) != 1 || got[0]["onHand"] != 6.0 {
		t.Fatalf("version 2 after projections rebuild: %v", got)
	}
	p.stop()
}

// stockStatus is warehouse.stock's entry in /api/modules.
func (p *proc) stockStatus() map[string]any {
	p.t.Helper()
	_, out, _ := p.do("GET", "/api/modules", "", nil)
	for _, s := range out["projections"].([]any) {
		if m := s.(map[string]any); m["name"] == "warehouse.stock" {
			return m
		}
	}
	p.t.Fatalf("/api/modules has no warehouse.stock: %v", out)
	return nil
}

// viewWatch reads the stock view in a loop until stopped.
type viewWatch struct {
	done  chan struct{}
	wg    sync.WaitGroup
	reads atomic.Int64
}

// watchView reads warehouse.stock over and over on two connections;
// every answer must be 200 with exactly want.
func watchView(t *testing.T, p *proc, want []map[string]any) *viewWatch {
	w := &viewWatch{done: make(chan struct{})}
	for range 2 {
		w.wg.Go(func() {
			for {
				select {
				case <-w.done:
					return
				default:
				}
				res, err := p.get("/api/views/warehouse.stock?limit=1000&sort=sku")
				if err != nil {
					t.Errorf("view read: %v", err)
					return
				}
				raw, _ := io.ReadAll(res.Body)
				_ = res.Body.Close()
				var page struct {
					Items []map[string]any `json:"items"`
				}
				if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &page) != nil || !reflect.DeepEqual(page.Items, want) {
					t.Errorf("a view read during the rebuild answered %d: %s", res.StatusCode, raw)
					return
				}
				w.reads.Add(1)
			}
		})
	}
	return w
}

// stop ends the reads and returns how many succeeded.
func (w *viewWatch) stop() int64 {
	close(w.done)
	w.wg.Wait()
	return w.reads.Load()
}

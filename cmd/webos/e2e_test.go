package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// TestSurvivesSIGKILL drives the Warehouse over HTTP from several clients,
// kills the process mid-traffic, restarts it and checks that every
// acknowledged event is stored, the hash chains verify and the views
// agree with the streams.
func TestSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	skus := []string{"E2E-A", "E2E-B", "E2E-C", "E2E-D"}
	for _, sku := range skus {
		p.command("warehouse.RegisterItem", fmt.Sprintf(`{"sku":%q,"name":"Item %s","unit":"pcs","lowStockThreshold":5}`, sku, sku))
	}

	acked := loadUntilKilled(t, p, skus, 200)

	p = serve(t, dir)
	streams := map[string][]domain.Envelope{}
	for _, sku := range skus {
		streams["warehouse.item-"+sku] = p.stream("warehouse.item-" + sku)
	}
	stored := map[string]bool{}
	for name, evs := range streams {
		if err := domain.VerifyChain("", evs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range evs {
			stored[e.ID] = true
		}
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d acknowledged events are missing after SIGKILL", missing)
	}

	p.caughtUp()
	rows := map[string]map[string]any{}
	for _, r := range p.items("warehouse.stock", "") {
		rows[r["sku"].(string)] = r
	}
	moves := 0
	for _, sku := range skus {
		var onHand float64
		for _, e := range streams["warehouse.item-"+sku] {
			if e.Type == "warehouse.StockReceived" {
				var d struct{ Quantity float64 }
				_ = json.Unmarshal(e.Data, &d)
				onHand += d.Quantity
				moves++
			}
		}
		if got := rows[sku]["onHand"]; got != onHand {
			t.Errorf("%s: view says onHand %v, the stream adds up to %v", sku, got, onHand)
		}
	}
	if got := len(p.items("warehouse.movements", "")); got != moves {
		t.Errorf("movements view has %d rows, the streams hold %d stock changes", got, moves)
	}
	p.stop()
}

// stream reads a whole stream through the streams endpoint, page by page.
func (p *proc) stream(id string) []domain.Envelope {
	p.t.Helper()
	var all []domain.Envelope
	from := uint64(0)
	for {
		res, err := p.get(fmt.Sprintf("/api/streams/%s?from=%d&limit=1000", url.PathEscape(id), from))
		if err != nil {
			p.t.Fatal(err)
		}
		var page struct {
			Version uint64            `json:"version"`
			Events  []domain.Envelope `json:"events"`
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		_ = res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			p.t.Fatalf("stream %s: %d %v", id, res.StatusCode, err)
		}
		all = append(all, page.Events...)
		if len(page.Events) == 0 || all[len(all)-1].StreamVersion >= page.Version {
			return all
		}
		from = all[len(all)-1].StreamVersion + 1
	}
}

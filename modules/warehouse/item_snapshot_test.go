package warehouse_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/domain"
	wh "github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// TestSnapshotRoundTrip: an item restored from its snapshot decides
// exactly like the one that replayed its events.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	history := []domain.Event{registered, contract.StockReceived{SKU: "A1", Quantity: 9},
		contract.StockReserved{SKU: "A1", Quantity: 4, OrderID: "O1"}, contract.StockReserved{SKU: "A1", Quantity: 2, OrderID: "O2"}}
	replayed := given(t, history...).Aggregate()
	data, err := replayed.MarshalSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := wh.NewItem("A1")
	if err := domain.Restore(restored, data, 4); err != nil {
		t.Fatal(err)
	}
	if restored.Available() != 3 || restored.Version() != 4 {
		t.Fatalf("restored available %d at version %d, want 3 at 4", restored.Available(), restored.Version())
	}
	testkit.Given(t, restored).When(func(it *wh.Item) error {
		return it.Reserve(contract.ReserveStock{SKU: "A1", Quantity: 4, OrderID: "O3"})
	}).ThenError("insufficient_stock")
	testkit.Given(t, restored).When(func(it *wh.Item) error {
		return it.Release(contract.ReleaseReservation{SKU: "A1", OrderID: "O2"})
	}).Then(contract.ReservationReleased{SKU: "A1", Quantity: 2, OrderID: "O2"})
	if err := restored.UnmarshalSnapshot([]byte(`{broken`)); err == nil || restored.Available() != 5 {
		t.Fatalf("a broken snapshot must fail and change nothing: %v, available %d", err, restored.Available())
	}
}

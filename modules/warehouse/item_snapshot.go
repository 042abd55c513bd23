package warehouse

import "encoding/json"

// itemSnapshot is the stored form of an Item's state.
type itemSnapshot struct {
	SKU          string           `json:"sku"`
	Name         string           `json:"name"`
	Unit         string           `json:"unit"`
	Threshold    int64            `json:"threshold"`
	OnHand       int64            `json:"onHand"`
	Reservations map[string]int64 `json:"reservations"`
	Discontinued bool             `json:"discontinued"`
	UnitCost     int64            `json:"unitCost,omitempty"`
	Currency     string           `json:"currency,omitempty"`
}

// SnapshotSchema is the version of itemSnapshot's format.
func (it *Item) SnapshotSchema() int { return 1 }

// MarshalSnapshot encodes the item's state.
func (it *Item) MarshalSnapshot() ([]byte, error) {
	return json.Marshal(itemSnapshot{
		SKU: it.sku, Name: it.name, Unit: it.unit, Threshold: it.threshold,
		OnHand: it.onHand, Reservations: it.reservations, Discontinued: it.discontinued,
		UnitCost: it.unitCost, Currency: it.currency,
	})
}

// UnmarshalSnapshot restores the item's state; reserved is derived.
func (it *Item) UnmarshalSnapshot(data []byte) error {
	var s itemSnapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if s.Reservations == nil {
		s.Reservations = map[string]int64{}
	}
	it.sku, it.name, it.unit, it.threshold = s.SKU, s.Name, s.Unit, s.Threshold
	it.onHand, it.reservations, it.discontinued = s.OnHand, s.Reservations, s.Discontinued
	it.unitCost, it.currency = s.UnitCost, s.Currency
	it.reserved = 0
	for _, q := range s.Reservations {
		it.reserved += q
	}
	return nil
}

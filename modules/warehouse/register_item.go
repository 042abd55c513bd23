package warehouse

import "github.com/webos-engine/webos/domain"

// RegisterItem adds a new SKU to the catalogue. Registering a SKU that
// exists is a conflict, decided by the event store so racing requests
// cannot both succeed.
type RegisterItem struct {
	SKU               string `json:"sku" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]{0\\,63}$"`
	Name              string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Unit              string `json:"unit" jsonschema:"minLength=1,maxLength=32"`
	LowStockThreshold int64  `json:"lowStockThreshold" jsonschema:"minimum=0,maximum=1000000000"`
}

// Register records the item's catalogue data.
func (it *Item) Register(c RegisterItem) error {
	domain.Raise(it, ItemRegistered(c))
	return nil
}

package warehouse

import "github.com/webos-engine/webos/domain"

// DiscontinueItem stops stocking a SKU. Afterwards only reservations can
// be released; discontinuing again changes nothing.
type DiscontinueItem struct {
	SKU string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
}

// Discontinue marks the item discontinued.
func (it *Item) Discontinue(c DiscontinueItem) error {
	if it.discontinued {
		return nil
	}
	domain.Raise(it, ItemDiscontinued(c))
	return nil
}

package orders_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
)

// newEngine runs Orders with the catalogue; Orders is loaded first to
// show that the dependency orders the loading.
func newEngine(t *testing.T) *testkit.Engine {
	t.Helper()
	return testkit.NewEngine(t, orders.Module{}, catalogue())
}

// lines builds a JSON array of n valid lines over distinct SKUs; only A1
// and B1 exist, so n > 2 is for schema checks that come first.
func lines(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"sku":"S%d","quantity":1,"unitPrice":100}`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestBadOrdersAreRefusedBeforeAnyEvent sends each kind of bad order: it
// is refused as invalid, the problem points at every fault, and the event
// store does not move.
func TestBadOrdersAreRefusedBeforeAnyEvent(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	const head = `"orderId":"O1","customerId":"C1","currency":"EUR"`
	cases := []struct {
		name, body string
		pointers   []string
	}{
		{"no lines", `{` + head + `,"lines":[]}`, []string{"/lines"}},
		{"lines missing", `{` + head + `}`, []string{"/lines"}},
		{"zero quantity", `{` + head + `,"lines":[{"sku":"A1","quantity":0,"unitPrice":100}]}`, []string{"/lines/0/quantity"}},
		{"negative price", `{` + head + `,"lines":[{"sku":"A1","quantity":1,"unitPrice":100},{"sku":"B1","quantity":1,"unitPrice":-1}]}`, []string{"/lines/1/unitPrice"}},
		{"unknown SKU", `{` + head + `,"lines":[{"sku":"A1","quantity":1,"unitPrice":1},{"sku":"NOPE","quantity":1,"unitPrice":1}]}`, []string{"/lines/1/sku"}},
		{"discontinued SKU", `{` + head + `,"lines":[{"sku":"OLD","quantity":1,"unitPrice":1}]}`, []string{"/lines/0/sku"}},
		{"same SKU twice", `{` + head + `,"lines":[{"sku":"A1","quantity":1,"unitPrice":1},{"sku":"A1","quantity":2,"unitPrice":1}]}`, []string{"/lines/1/sku"}},
		{"currency mismatch", `{` + head + `,"lines":[{"sku":"A1","quantity":1,"unitPrice":1,"currency":"EUR"},{"sku":"B1","quantity":1,"unitPrice":1,"currency":"USD"}]}`, []string{"/lines/1/currency"}},
		{"unknown currency", `{"orderId":"O1","customerId":"C1","currency":"XYZ","lines":[{"sku":"A1","quantity":1,"unitPrice":1}]}`, []string{"/currency"}},
		{"lower-case currency", `{"orderId":"O1","customerId":"C1","currency":"eur","lines":[{"sku":"A1","quantity":1,"unitPrice":1}]}`, []string{"/currency"}},
		{"501 lines", `{` + head + `,"lines":` + lines(501) + `}`, []string{"/lines"}},
		{"every fault at once", `{` + head + `,"lines":[{"sku":"NOPE","quantity":1,"unitPrice":1},{"sku":"B1","quantity":1,"unitPrice":1,"currency":"GBP"},{"sku":"OLD","quantity":1,"unitPrice":1}]}`,
			[]string{"/lines/0/sku", "/lines/1/currency", "/lines/2/sku"}},
		{"bad order id", `{"orderId":"a b","customerId":"C1","currency":"EUR","lines":[{"sku":"A1","quantity":1,"unitPrice":1}]}`, []string{"/orderId"}},
		{"price too high", `{` + head + `,"lines":[{"sku":"A1","quantity":1,"unitPrice":10000000001}]}`, []string{"/lines/0/unitPrice"}},
	}
	before, _ := e.Events.Head(context.Background())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.App.Dispatch(context.Background(), "orders.PlaceOrder", []byte(c.body))
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			var got []string
			for _, f := range de.Fields {
				got = append(got, f.Pointer)
			}
			for _, want := range c.pointers {
				if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+want+" ") {
					t.Errorf("fields %v do not point at %s (%v)", got, want, de.Fields)
				}
			}
		})
	}
	if after, _ := e.Events.Head(context.Background()); after != before {
		t.Fatalf("refused orders moved the head from %d to %d", before, after)
	}
}

func TestPlacingAnOrder(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	body := `{"orderId":"O1","customerId":"C1","currency":"EUR","lines":[{"sku":"A1","quantity":2,"unitPrice":500},{"sku":"B1","quantity":1,"unitPrice":250,"currency":"EUR"}]}`
	if _, err := e.App.Dispatch(context.Background(), "orders.PlaceOrder", []byte(body)); err != nil {
		t.Fatal(err)
	}
	_, err := e.App.Dispatch(context.Background(), "orders.PlaceOrder", []byte(body))
	if domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("placing O1 again: %v, want a conflict", err)
	}
	page := e.Query(t, "orders.list", application.Query{})
	if len(page.Items) != 1 {
		t.Fatalf("orders.list: %s", page.Items)
	}
	var row orders.ListRow
	if err := json.Unmarshal(page.Items[0], &row); err != nil {
		t.Fatal(err)
	}
	if row.Total != 1250 || row.State != "placed" || row.LineCount != 2 || row.Currency != "EUR" {
		t.Fatalf("row: %+v", row)
	}
}

// TestFiveHundredLinesAreAccepted places the largest order allowed.
func TestFiveHundredLinesAreAccepted(t *testing.T) {
	t.Parallel()
	skus := fakeWarehouse{}
	for i := range 500 {
		skus[fmt.Sprintf("S%d", i)] = whcontract.StockLevel{}
	}
	e := testkit.NewEngine(t, orders.Module{}, skus)
	body := `{"orderId":"BIG","customerId":"C1","currency":"JPY","lines":` + lines(500) + `}`
	if _, err := e.App.Dispatch(context.Background(), "orders.PlaceOrder", []byte(body)); err != nil {
		t.Fatal(err)
	}
}

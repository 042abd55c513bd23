package money_test

import (
	"testing"

	"github.com/webos-engine/webos/domain/money"
)

func TestCurrencies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code  string
		known bool
		exp   int
	}{
		{"EUR", true, 2}, {"USD", true, 2}, {"JPY", true, 0}, {"KWD", true, 3}, {"CLF", true, 4},
		{"eur", false, 0}, {"XXX", false, 0}, {"", false, 0}, {"EURO", false, 0},
	}
	for _, c := range cases {
		exp, ok := money.Exponent(c.code)
		if ok != c.known || exp != c.exp || money.Known(c.code) != c.known {
			t.Errorf("%q: exponent %d known %v, want %d %v", c.code, exp, ok, c.exp, c.known)
		}
	}
}

package sqlite

import "testing"

func TestIdentifiersAreDistinct(t *testing.T) {
	pairs := [][2]string{
		{tableName("orders"), tableName("Orders")},
		{tableName("shop.orders"), tableName("shop_orders")},
		{indexName("c", []string{"a_b"}), indexName("c", []string{"a", "b"})},
		{indexName("c", []string{"a", "b"}), indexName("c", []string{"b", "a"})},
		{indexName("c", []string{"Id"}), indexName("c", []string{"id"})},
	}
	for _, p := range pairs {
		if p[0] == p[1] {
			t.Errorf("identifier %s used twice", p[0])
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"100%", "100&", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
		{"\u00e9", "\xc3\xaa", true},
		{"\u00ff", "\xc3\xc0", true}, // not UTF-8, but SQLite compares bytes
	} {
		got, ok := prefixEnd(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

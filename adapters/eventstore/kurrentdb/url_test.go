package kurrentdb

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct{ url, addr, ns string }{
		{"kurrentdb://127.0.0.1:2113?tls=false", "127.0.0.1:2113", DefaultNamespace},
		{"esdb://db:2113?tls=false&namespace=shop_1", "db:2113", "shop_1"},
		{"kurrentdb://admin:changeit@db:2113?namespace=x", "db:2113", "x"},
	} {
		cfg, ns, err := parseURL(c.url)
		if err != nil || cfg.Address != c.addr || ns != c.ns {
			t.Errorf("%s: address %v, namespace %q, %v; want %s, %q", c.url, cfg, ns, err, c.addr, c.ns)
		}
	}
	for _, bad := range []string{
		"kurrentdb://db:2113?namespace=a-b", "kurrentdb://db:2113?namespace=", "mysql://db:2113",
		"kurrentdb://admin:s3cret@db:notaport",
	} {
		_, _, err := parseURL(bad)
		if err == nil {
			t.Errorf("%s: accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", bad, err)
		}
	}
}

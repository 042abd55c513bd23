package main

import (
	"net"
	"slices"
	"testing"
)

func TestDefaultAllowedHosts(t *testing.T) {
	var f httpFlags
	got := f.hosts("myhost.lan:9090", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9090})
	for _, want := range []string{"myhost.lan:9090", "localhost:9090", "127.0.0.1:9090", "[::1]:9090"} {
		if !slices.Contains(got, want) {
			t.Errorf("default hosts %v lack %s", got, want)
		}
	}
	// Listening on every interface answers to every interface address,
	// on the port it got (":0" picks one).
	got = f.hosts(":0", &net.TCPAddr{IP: net.IPv4zero, Port: 4321})
	if !slices.Contains(got, "localhost:4321") || !slices.Contains(got, "0.0.0.0:4321") {
		t.Errorf("wildcard hosts %v", got)
	}
	if err := f.allowedHosts.Set(" a.example , b.example:1,"); err != nil {
		t.Fatal(err)
	}
	if got := f.hosts("127.0.0.1:1", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}); !slices.Equal(got, []string{"a.example", "b.example:1"}) {
		t.Errorf("--allowed-hosts gave %v", got)
	}
}

package webos_test

import "testing"

// TestArchitectureRules proves the checker can fail: every row feeds
// violation one import, allowed or not.
func TestArchitectureRules(t *testing.T) {
	const m = module + "/"
	cases := []struct {
		from string
		test bool
		imp  string
		bad  bool
	}{
		{m + "domain", false, "encoding/json", false},
		{m + "domain", false, m + "domain/money", false},
		{m + "domain", false, m + "application", true},
		{m + "domain", false, "github.com/google/uuid", true},
		{m + "domain_test", true, m + "adapters/eventstore/memory", true},
		{m + "application", false, m + "domain", false},
		{m + "application", false, "github.com/google/uuid", true},
		{m + "application", false, m + "adapters/eventstore/sqlite", true},
		{m + "application", false, m + "adapters/eventstore/memory", true},
		{m + "application_test", true, m + "adapters/eventstore/memory", false},
		{m + "application_test", true, m + "adapters/jsonschema", false},
		{m + "application_test", true, m + "adapters/eventstore/sqlite", true},
		{m + "projections", false, m + "application", false},
		{m + "projections", false, m + "sagas", true},
		{m + "sagas", false, m + "adapters/bus", true},
		{m + "settings", false, m + "application", false},
		{m + "jobs", false, m + "application", false},
		{m + "jobs", false, cronModule, false},
		{m + "jobs", false, m + "sagas", true},
		{m + "jobs", false, m + "adapters/bus", true},
		{m + "jobs", false, "github.com/ThreeDotsLabs/watermill", true},
		{m + "modules/warehouse", false, m + "jobs", false},
		{m + "settings", false, m + "adapters/jsonschema", true},
		{m + "modules/warehouse", false, m + "settings", false},
		{m + "modules/warehouse", false, m + "projections", false},
		{m + "modules/warehouse", false, m + "modules/warehouse/internal/stock", false},
		{m + "modules/orders", false, m + "modules/warehouse/contract", false},
		{m + "modules/orders", false, m + "modules/warehouse", true},
		{m + "modules/orders", false, m + "modules/warehouse/internal/stock", true},
		{m + "modules/orders", false, m + "modules/payments/contract", false},
		{m + "modules/orders", false, m + "modules/payments/simulated", true},
		{m + "modules/payments/simulated", false, m + "modules/payments", false},
		{m + "modules/orders", false, "github.com/gin-gonic/gin", true},
		{m + "modules/orders", false, m + "adapters/testkit", true},
		{m + "modules/orders", false, m + "adapters/eventstore/memory", true},
		{m + "modules/orders", true, m + "adapters/testkit", false},
		{m + "modules/orders_test", true, m + "adapters/eventstore/memory", false},
		{m + "modules/orders_test", true, m + "adapters/eventstore/sqlite", true},
		{m + "modules/orders_test", true, m + "cmd/webos", true},
		{m + "adapters/httpapi", false, "github.com/gin-gonic/gin", false},
		{m + "adapters/httpapi", false, m + "projections", false},
		{m + "adapters/httpapi", false, m + "modules/warehouse", true},
		{m + "adapters/httpapi", false, m + "modules/warehouse/contract", true},
		{m + "adapters/httpapi", false, m + "cmd/webos", true},
		{m + "cmd/webos", false, m + "modules/warehouse", false},
		{m + "cmd/webos", false, m + "cmd/webos/internal/flags", false},
		{module + "_test", true, m + "cmd/webos", false},
		{m + "ui", false, "embed", false},
		{m + "ui", false, m + "domain", true},
		{m + "internal/tools", false, "fmt", false},
		{m + "internal/tools", false, m + "domain", true},
	}
	for _, c := range cases {
		rule := violation(c.from, c.test, c.imp)
		if (rule != "") != c.bad {
			t.Errorf("%s (test=%v) imports %s: got rule %q, want violation=%v", c.from, c.test, c.imp, rule, c.bad)
		}
	}
}

package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// A stream of a shared module whose owner no module declares
// (identity.user-X) made in acme, with a later event appended by the
// engine in the default tenant (the admin CLI disabling the user): the
// default tenant's reader gets 404 for every page of it, not only for the
// whole stream, and sees neither the later event nor the version.
func TestAMixedStreamMadeInAnotherTenantIsMissingOnEveryPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	id := "identity.user-abc"
	if _, err := h.events.Append(ctx, id, domain.NoStream, []domain.Envelope{{ID: "e1", Type: "identity.UserCreated", SchemaVersion: 1,
		Data: []byte(`{"userId":"abc","email":"x@acme.test"}`), Tenant: "acme"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.events.Append(ctx, id, domain.ExpectedVersion(1), []domain.Envelope{{ID: "e2", Type: "identity.UserDisabled", SchemaVersion: 1,
		Data: []byte(`{"userId":"abc"}`)}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?from=2", "?from=3", "?direction=backward&limit=1", "?from=2&direction=backward&limit=1"} {
		if w := h.do("GET", "/api/streams/"+id+q, ""); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d %s, want 404", q, w.Code, w.Body)
		}
	}
}

package platform

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/internal/store"
)

// TestPutDryRunSaysWhatItWouldDo checks PUT ?dryRun=true on plans and
// applications: it answers created, unchanged or updated and stores nothing.
func TestPutDryRunSaysWhatItWouldDo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gold := map[string]any{"spec": map[string]any{"rate": map[string]any{"requests": 100, "per": "second"}}}
	silver := map[string]any{"spec": map[string]any{"rate": map[string]any{"requests": 10, "per": "second"}}}
	shop := map[string]any{"spec": map[string]any{"owner": "acme"}}
	shop2 := map[string]any{"spec": map[string]any{"owner": "other"}}
	for _, tc := range []struct {
		path       string
		body, next map[string]any
	}{{"/plans/gold", gold, silver}, {"/applications/shop", shop, shop2}} {
		action := func(body map[string]any) store.ApplyAction {
			var res store.ApplyResult
			e.must(http.StatusOK, "PUT", tc.path+"?dryRun=true", e.admin, body).json(t, &res)
			return res.Action
		}
		if got := action(tc.body); got != store.Created {
			t.Fatalf("%s new: %s", tc.path, got)
		}
		e.must(http.StatusNotFound, "GET", tc.path, e.admin, nil)
		e.must(http.StatusOK, "PUT", tc.path, e.admin, tc.body)
		if got := action(tc.body); got != store.Unchanged {
			t.Fatalf("%s same: %s", tc.path, got)
		}
		if got := action(tc.next); got != store.Updated {
			t.Fatalf("%s changed: %s", tc.path, got)
		}
		e.must(http.StatusBadRequest, "PUT", tc.path+"?dryRun=maybe", e.admin, tc.body)
	}
	var res store.ApplyResult
	e.must(http.StatusOK, "PUT", "/plans/gold", e.admin, gold).json(t, &res)
	if res.Action != store.Unchanged {
		t.Fatalf("a dry run stored the change: %s", res.Action)
	}
}

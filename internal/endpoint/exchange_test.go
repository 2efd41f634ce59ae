package endpoint

import (
	"net/http"
	"testing"
)

// TestMethodValue checks the allocation-free inmethod: the request's own
// method, whatever it is.
// Not parallel: testing.AllocsPerRun refuses to run beside other tests.
func TestMethodValue(t *testing.T) {
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodHead, http.MethodOptions, "PROPFIND", "get", ""}
	for _, m := range methods {
		if got := methodValue(m); got != any(m) {
			t.Errorf("methodValue(%q) = %#v", m, got)
		}
	}
	var sink any
	if n := testing.AllocsPerRun(100, func() { sink = methodValue(methods[0]) }); n != 0 {
		t.Errorf("methodValue(GET) allocates %v times", n)
	}
	_ = sink
}

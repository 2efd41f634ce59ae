package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// TestNoHeaderTimeoutAfterAShortWait: without a header timeout, a call
// whose large head registered the context watch early waits for its answer
// without a deadline, even on a connection whose earlier call left its
// short wait's deadline behind, expired.
func TestNoHeaderTimeoutAfterAShortWait(t *testing.T) {
	t.Parallel()
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer o.Close()
	up, err := NewUpstream(&model.ProxySpec{BasePath: "b", Version: "v1", Targets: []model.ProxyTarget{{URL: o.URL}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	up.headerTimeout = 0 // NewUpstream's default is 60 s: no spec says none
	h := up.Handler("/ws/proxy/b/v1", true)
	call := func(cookie string) (int, string) {
		r := httptest.NewRequest("GET", "/ws/proxy/b/v1/x", nil)
		r.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	if code, body := call("small"); code != 200 || body != "ok" {
		t.Fatalf("first call: %d %q", code, body)
	}
	time.Sleep(2 * quickWait) // the short wait's deadline on the pooled connection expires
	if code, body := call(strings.Repeat("a", 6000)); code != 200 || body != "ok" {
		t.Fatalf("a large head on the reused connection: %d %q, want 200", code, body)
	}
}

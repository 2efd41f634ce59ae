package soap_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkEcho measures one SOAP 1.1 call end to end in the handler:
// parse, decode by the profile, validate, run (an echo), encode.
func BenchmarkEcho(b *testing.B) {
	h := newHandler(b, nil)
	body := env11(`<echoItem xmlns="urn:test:shop"><n>42</n><price>9.50</price><ok>true</ok><day>2026-01-02</day>` +
		`<tags>a</tags><tags>b</tags><address><city>Bonn</city></address></echoItem>`)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/ws/soap/shop/v1", strings.NewReader(body))
		r.Header.Set("Content-Type", "text/xml")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

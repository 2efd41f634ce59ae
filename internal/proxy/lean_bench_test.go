package proxy

import (
	"bufio"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

// BenchmarkLeanRequestHead measures writing one forwarded request's head
// (request line, the caller's headers, X-Forwarded-*, request id) as the
// lean path does: it should not allocate.
func BenchmarkLeanRequestHead(b *testing.B) {
	up, err := NewUpstream(&model.ProxySpec{BasePath: "bench", Version: "v1",
		Targets: []model.ProxyTarget{{URL: "http://127.0.0.1:18080/base"}}}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer up.Close()
	h := up.Handler("/ws/proxy/bench/v1", true).(*handler)
	r := httptest.NewRequest("GET", "/ws/proxy/bench/v1/customers/42?x=1", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "wrk")
	bw := bufio.NewWriterSize(io.Discard, 4<<10)
	t := up.targets[0]
	id := newRequestID()
	b.ReportAllocs()
	for b.Loop() {
		bw.WriteString(r.Method)
		bw.WriteByte(' ')
		writeRequestTarget(bw, t, "/customers/42", "", r.URL.RawQuery)
		bw.WriteString(" HTTP/1.1\r\nHost: ")
		bw.WriteString(t.host)
		bw.WriteString("\r\n")
		h.writeHeaderLean(bw, r, id)
		bw.WriteString("\r\n")
		_ = bw.Flush()
	}
}

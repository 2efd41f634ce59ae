package h1

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkKeepAliveGET measures the lean loop's own cost per request: one
// keep-alive GET over loopback to a handler that writes a short JSON body,
// the client reading each answer before sending the next.
func BenchmarkKeepAliveGET(b *testing.B) {
	b.Run("h1", func(b *testing.B) { benchKeepAlive(b, true) })
	b.Run("net-http", func(b *testing.B) { benchKeepAlive(b, false) })
}

func benchKeepAlive(b *testing.B, lean bool) {
	body := []byte(`{"id":42,"name":"Ada Lovelace","email":"ada@example.com","active":true}`)
	std := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		w.Write(body)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if lean {
		s := &Server{Std: std}
		go s.Serve(ln)
		defer s.Close()
	} else {
		go std.Serve(ln)
		defer std.Close()
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /ws/proxy/bench/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	br := bufio.NewReader(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n != int64(len(body)) {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
}

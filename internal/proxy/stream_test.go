package proxy_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/proxy"
)

func TestServerSentEventsArriveBeforeTheUpstreamEnds(t *testing.T) {
	t.Parallel()
	finish := make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-finish:
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "data: last\n\n")
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	resp, err := noCompression.Get(gw + root + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	got := make(chan string, 1)
	go func() {
		l, _ := br.ReadString('\n')
		got <- l
	}()
	select {
	case l := <-got:
		if l != "data: first\n" {
			t.Errorf("first line %q", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first event did not arrive while the upstream was still sending")
	}
	close(finish)
	rest, _ := io.ReadAll(br)
	if !strings.Contains(string(rest), "data: last") {
		t.Errorf("rest %q", rest)
	}
}

func TestLargeDownloadAndUploadStream(t *testing.T) {
	t.Parallel()
	const size = 16 << 20
	payload := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			h := sha256.New()
			n, _ := io.Copy(h, r.Body)
			_, _ = w.Write([]byte(string(h.Sum(nil)[:4]) + "/" + itoa(n)))
			return
		}
		_, _ = w.Write(payload)
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	resp, err := noCompression.Get(gw + root + "/big")
	if err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	n, err := io.Copy(got, resp.Body)
	resp.Body.Close()
	want := sha256.Sum256(payload)
	if err != nil || n != size || !bytes.Equal(got.Sum(nil), want[:]) {
		t.Errorf("download: %d bytes, err %v", n, err)
	}
	// Upload of unknown length: chunked both ways.
	a := do(t, "POST", gw+root+"/up", io.MultiReader(bytes.NewReader(payload)))
	if a.body != string(want[:4])+"/"+itoa(size) {
		t.Errorf("upload: %d %q", a.status, a.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCompressionPassesThroughUntouched(t *testing.T) {
	t.Parallel()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(strings.Repeat("compress me ", 100)))
	_ = zw.Close()
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Saw-Accept-Encoding", r.Header.Get("Accept-Encoding"))
		if r.Header.Get("Accept-Encoding") == "gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(zipped.Bytes())
			return
		}
		_, _ = w.Write([]byte("plain"))
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	a := do(t, "GET", gw+root, nil, "Accept-Encoding", "gzip")
	if a.header.Get("Content-Encoding") != "gzip" || a.body != zipped.String() {
		t.Errorf("gzip answer changed: %v, %d bytes", a.header, len(a.body))
	}
	a = do(t, "GET", gw+root, nil)
	if a.body != "plain" || a.header.Get("X-Saw-Accept-Encoding") != "" {
		t.Errorf("the gateway asked for compression itself: %v %q", a.header, a.body)
	}
}

// TestWebSocketUpgradePassesThrough performs an upgrade by hand: the
// origin hijacks the connection, answers 101 and echoes what it reads.
func TestWebSocketUpgradePassesThrough(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" || !strings.EqualFold(r.Header.Get("Connection"), "upgrade") {
			http.Error(w, "want an upgrade", 400)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n")
		buf := make([]byte, 64)
		for {
			n, err := brw.Read(buf)
			if err != nil {
				return
			}
			if _, err := conn.Write(append([]byte("echo:"), buf[:n]...)); err != nil {
				return
			}
		}
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	c, err := net.Dial("tcp", strings.TrimPrefix(gw, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET "+root+"/socket HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("Upgrade") != "websocket" || resp.Header.Get("Sec-Websocket-Accept") != "x" {
		t.Fatalf("upgrade answer %d %v", resp.StatusCode, resp.Header)
	}
	for _, msg := range []string{"ping", "pong"} {
		_, _ = io.WriteString(c, msg)
		buf := make([]byte, 64)
		n, err := br.Read(buf)
		if err != nil || string(buf[:n]) != "echo:"+msg {
			t.Fatalf("through the tunnel: %q %v", buf[:n], err)
		}
	}
}

// TestHTTP2FromClients serves the handler over TLS with HTTP/2 on, as a
// runtime with TLS does.
func TestHTTP2FromClients(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	up, err := proxy.NewUpstream(&model.ProxySpec{BasePath: "b", Version: "v1", Targets: targets(o.URL)}, proxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	srv := httptest.NewUnstartedServer(up.Handler(root, true))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	cl := srv.Client()
	cl.Transport.(*http.Transport).TLSClientConfig.NextProtos = []string{"h2"}
	cl.Transport.(*http.Transport).ForceAttemptHTTP2 = true
	resp, err := cl.Post(srv.URL+root+"/h2?x=1", "text/plain", strings.NewReader("over h2"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 || !strings.Contains(string(b), `"body":"over h2"`) || !strings.Contains(string(b), `"uri":"/h2?x=1"`) ||
		!strings.Contains(string(b), `"X-Forwarded-Proto":["https"]`) {
		t.Errorf("%s %d %s", resp.Proto, resp.StatusCode, b)
	}
}

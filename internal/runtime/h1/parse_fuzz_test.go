package h1

import (
	"bufio"
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// FuzzParseHeadAgreesWithNetHTTP checks that every head the lean loop
// serves itself is one net/http reads alike: the same request line, URL,
// Host, Close flag and header map, and no body. A head parseHead accepts
// and net/http refuses or reads differently would let the two disagree on
// a request (smuggling, or a handler seeing other headers than under
// net/http), so any finding is a security bug.
func FuzzParseHeadAgreesWithNetHTTP(f *testing.F) {
	seeds := []string{
		// Realistic.
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"GET /api/v1/items?limit=10&offset=20 HTTP/1.1\r\nHost: api.example.com:8443\r\nUser-Agent: curl/8.5.0\r\n" +
			"Accept: */*\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n",
		"DELETE /items/42 HTTP/1.1\r\nhost: x\r\nconnection: Close\r\n\r\n",
		"HEAD /a%2Fb/c%20d?q=%E2%82%AC HTTP/1.1\r\nHost: [::1]:80\r\nConnection: keep-alive\r\n\r\n",
		"OPTIONS /x HTTP/1.1\r\nHOST: y\r\nX-Dup: 1\r\nx-dup: 2\r\nX-DUP:3\r\nAccept-Encoding: gzip, br\r\n\r\n",
		"GET /c HTTP/1.1\r\nHost: c\r\nPragma: no-cache\r\nCache-Control: max-age=0\r\n\r\n",
		"PUT /long HTTP/1.1\r\nHost: h\r\nX-Long: " + strings.Repeat("v", 3000) + "\r\nX-Empty:\r\nX-Ows: \t a b \t\r\n\r\n",
		"PATCH //double/slash/../x HTTP/1.1\r\nHost: h\r\nX-Obs: caf\xc3\xa9 \xff\r\n\r\n",
		// Hostile: smuggling shapes, folding, bare LF/CR, odd spacing.
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX-Fold: a\r\n b\r\n\r\n",
		"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET / HTTP/1.1\r\nHost: a\nContent-Length: 3\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close, Upgrade\r\nUpgrade: h2c\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: X-Secret\r\nX-Secret: 1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
		"get / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / http/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
		// Found by reading net/http: it adds Cache-Control: no-cache to a
		// request with Pragma: no-cache and no Cache-Control
		// (fixPragmaCacheControl), so a handler behind the lean loop saw a
		// different header map.
		"GET / HTTP/1.1\r\nHost: a\r\nPragma: no-cache\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		end := findHeadEnd(b)
		if end < 0 {
			return
		}
		if end > len(b) {
			t.Fatalf("findHeadEnd(%q) = %d, past the input", b, end)
		}
		h, ok := parseHead(b[:end])
		if !ok {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:end])))
		if err != nil {
			t.Fatalf("parseHead accepts %q; net/http refuses it: %v", b[:end], err)
		}
		check := func(what string, lean, std any) {
			t.Helper()
			if lean != std {
				t.Errorf("%s: lean %q, net/http %q; head %q", what, lean, std, b[:end])
			}
		}
		check("Method", h.method, req.Method)
		check("RequestURI", h.target, req.RequestURI)
		check("URL.Scheme", h.url.Scheme, req.URL.Scheme)
		check("URL.Host", h.url.Host, req.URL.Host)
		check("URL.Path", h.url.Path, req.URL.Path)
		check("URL.RawPath", h.url.RawPath, req.URL.RawPath)
		check("URL.RawQuery", h.url.RawQuery, req.URL.RawQuery)
		check("URL.Opaque", h.url.Opaque, req.URL.Opaque)
		check("Host", h.host, req.Host)
		check("Close", h.close, req.Close)
		check("Proto", "HTTP/1.1", req.Proto)
		if req.ProtoMajor != 1 || req.ProtoMinor != 1 {
			t.Errorf("net/http reads HTTP/%d.%d; head %q", req.ProtoMajor, req.ProtoMinor, b[:end])
		}
		if req.ContentLength != 0 || len(req.TransferEncoding) != 0 {
			t.Errorf("net/http reads a body (ContentLength %d, TransferEncoding %q); head %q",
				req.ContentLength, req.TransferEncoding, b[:end])
		}
		if _, has := h.header["Host"]; has {
			t.Errorf("lean header map holds Host; head %q", b[:end])
		}
		if len(h.header) != len(req.Header) {
			t.Errorf("header maps differ: lean %q, net/http %q; head %q", h.header, req.Header, b[:end])
			return
		}
		for k, vv := range req.Header {
			if !slices.Equal(h.header[k], vv) {
				t.Errorf("header %q: lean %q, net/http %q; head %q", k, h.header[k], vv, b[:end])
			}
		}
	})
}

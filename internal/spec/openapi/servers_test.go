package openapi

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServersFromRequest(t *testing.T) {
	t.Parallel()
	const prefix = "/ws/rest/erp/v1"
	cases := []struct {
		name      string
		host      string
		tls       bool
		header    map[string]string
		publicURL string
		want      string
	}{
		{name: "plain", host: "localhost:8080", want: "http://localhost:8080/ws/rest/erp/v1"},
		{name: "tls", host: "api.example.com", tls: true, want: "https://api.example.com/ws/rest/erp/v1"},
		{name: "public URL wins over headers", host: "10.0.0.5:8080", publicURL: "https://api.example.com/",
			header: map[string]string{"X-Forwarded-Host": "evil.example"}, want: "https://api.example.com/ws/rest/erp/v1"},
		{name: "public URL with a path", host: "x", publicURL: "https://example.com/portico", want: "https://example.com/portico/ws/rest/erp/v1"},
		{name: "x-forwarded", host: "10.0.0.5:8080",
			header: map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com", "X-Forwarded-Prefix": "/gateway/"},
			want:   "https://api.example.com/gateway/ws/rest/erp/v1"},
		{name: "x-forwarded chain takes the first", host: "10.0.0.5",
			header: map[string]string{"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "api.example.com:8443, proxy.internal"},
			want:   "https://api.example.com:8443/ws/rest/erp/v1"},
		{name: "forwarded", host: "10.0.0.5",
			header: map[string]string{"Forwarded": `for=192.0.2.60;proto=https;host="api.example.com", for=10.0.0.1;proto=http;host=proxy`},
			want:   "https://api.example.com/ws/rest/erp/v1"},
		{name: "forwarded wins over x-forwarded", host: "10.0.0.5",
			header: map[string]string{"Forwarded": "proto=https;host=a.example", "X-Forwarded-Host": "b.example", "X-Forwarded-Proto": "http"},
			want:   "https://a.example/ws/rest/erp/v1"},
		{name: "forwarded ipv6 host", host: "10.0.0.5", header: map[string]string{"Forwarded": `host="[2001:db8::1]:8443"`},
			want: "http://[2001:db8::1]:8443/ws/rest/erp/v1"},
		{name: "forged values are ignored", host: "api.example.com",
			header: map[string]string{"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "a.example/<script>", "X-Forwarded-Prefix": "//evil.example"},
			want:   "http://api.example.com/ws/rest/erp/v1"},
		{name: "relative prefix ignored", host: "h", header: map[string]string{"X-Forwarded-Prefix": "gateway"}, want: "http://h/ws/rest/erp/v1"},
		{name: "bad port ignored", host: "h", header: map[string]string{"X-Forwarded-Host": "a.example:99999999"}, want: "http://h/ws/rest/erp/v1"},
		{name: "broken Host header", host: "bad host", want: "http://localhost/ws/rest/erp/v1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "http://ignored/ws/rest/erp/v1/openapi.json", nil)
			r.Host = c.host
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			} else {
				r.TLS = nil
			}
			for k, v := range c.header {
				r.Header.Set(k, v)
			}
			got := ServersFromRequest(r, prefix, c.publicURL)
			if diff := cmp.Diff([]string{c.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

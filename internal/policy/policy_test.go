package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/model"
)

func hashOf(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func TestCanonicalPath(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/": true, "/ws/rest/erp/v1/x": true, "/ws/rest/erp/v1/": true, "/a/.b/c..d": true,
		"": false, "a": false, "//a": false, "/a//b": false, "/a/./b": false, "/a/../b": false, "/a/..": false,
		"/a/.": false, "/a\\b": false, "/a\x00b": false, "/a\tb": false,
	} {
		if got := canonicalPath(p); got != want {
			t.Errorf("canonicalPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestIPFilters(t *testing.T) {
	t.Parallel()
	f, err := NewIPFilter([]string{"10.0.0.0/8", "192.168.1.7"}, []string{"10.9.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	for a, want := range map[string]bool{
		"10.1.2.3": true, "10.9.1.1": false, "192.168.1.7": true, "192.168.1.8": false, "::ffff:10.1.2.3": true, "::1": false,
	} {
		if got := f.Allows(netip.MustParseAddr(a)); got != want {
			t.Errorf("Allows(%s) = %v, want %v", a, got, want)
		}
	}
	denyOnly, _ := NewIPFilter(nil, []string{"127.0.0.9"})
	if !denyOnly.Allows(netip.MustParseAddr("127.0.0.1")) || denyOnly.Allows(netip.MustParseAddr("127.0.0.9")) {
		t.Error("an empty allow list must allow everything not denied")
	}
	if _, err := NewIPFilter([]string{"10.0.0.0/33"}, nil); err == nil {
		t.Error("a bad CIDR was accepted")
	}
	var blocked *ConsumerIPFilter = &ConsumerIPFilter{}
	if blocked.Allows(netip.MustParseAddr("127.0.0.1")) {
		t.Error("a consumer filter switched on with no CIDR must block everything")
	}
	var off *ConsumerIPFilter
	if !off.Allows(netip.MustParseAddr("127.0.0.1")) {
		t.Error("no consumer filter must allow everything")
	}
}

func TestConsumersRefuseSharedCredentials(t *testing.T) {
	t.Parallel()
	for name, cs := range map[string][]model.Consumer{
		"token":    {{Name: "a", TokenHashes: []string{hashOf("x")}}, {Name: "b", TokenHashes: []string{hashOf("x")}}},
		"subject":  {{Name: "a", Certificates: []model.ConsumerCertificate{{Subject: "CN=x"}}}, {Name: "b", Certificates: []model.ConsumerCertificate{{Subject: "CN=x"}}}},
		"external": {{Name: "a", ExternalName: "x"}, {Name: "b", ExternalName: "x"}},
		"bad hash": {{Name: "a", TokenHashes: []string{"abc"}}},
		"bad phc":  {{Name: "a", PasswordHash: "$argon2id$v=19$m=999999999,t=1,p=1$c2FsdA$a2V5"}},
	} {
		if _, err := NewConsumers("dev", cs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A shared credential of a disabled consumer is no conflict.
	if _, err := NewConsumers("dev", []model.Consumer{{Name: "a", TokenHashes: []string{hashOf("x")}}, {Name: "b", Disabled: true, TokenHashes: []string{hashOf("x")}}}); err != nil {
		t.Error(err)
	}
}

func TestCertificateHeaderFromAnUntrustedAddress(t *testing.T) {
	t.Parallel()
	ch, err := NewCertificateHeader("", []string{"10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	idx, _ := NewConsumers("dev", nil)
	r := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/x", nil)
	r.RemoteAddr = "192.0.2.1:4000"
	r.Header.Set("X-Client-Cert", "anything")
	if _, p := ch.Authenticate(r, idx); p == nil || p.Status != 401 || !strings.Contains(p.Detail, "trusted") {
		t.Fatalf("problem = %+v, want 401 naming the trusted terminators", p)
	}
}

func TestJWTRefusesUnsafeAlgorithms(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"none", "HS256", "hs512"} {
		if _, err := NewJWT(&model.JWTSpec{Issuer: "i", Audiences: []string{"a"}, Algorithms: []string{alg}}, nil); err == nil {
			t.Errorf("%s accepted", alg)
		}
	}
}

func TestJWKSFetchersAreSharedAndStopped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"keys":[]}`)) }))
	defer srv.Close()
	c := NewJWKSCache(nil, nil)
	defer c.Close()
	_, rel1, err := c.Acquire(srv.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, rel2, err := c.Acquire(srv.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 1 {
		t.Fatalf("%d fetchers for one URL, want 1", c.Len())
	}
	rel1()
	rel1() // twice is harmless
	if c.Len() != 1 {
		t.Fatal("a fetcher still leased was stopped")
	}
	rel2()
	if c.Len() != 0 {
		t.Fatal("a fetcher no snapshot uses still runs")
	}
}

func TestCORSOrigins(t *testing.T) {
	t.Parallel()
	c := NewCORS(&model.CORSSpec{Origins: []string{"https://app.example.com", "https://*.example.org", "http://localhost:3000"}})
	for o, want := range map[string]string{
		"https://app.example.com":         "https://app.example.com",
		"https://APP.example.com":         "https://APP.example.com",
		"https://a.b.example.org":         "https://a.b.example.org",
		"https://example.org":             "",
		"http://x.example.org":            "",
		"https://x.example.org:8443":      "",
		"https://evil.com/.example.org":   "",
		"https://evil.com?.example.org":   "",
		"https://user@x.example.org":      "",
		"http://localhost:3000":           "http://localhost:3000",
		"http://localhost:3001":           "",
		"https://app.example.com.evil.io": "",
	} {
		if got := c.allowedOrigin(o); got != want {
			t.Errorf("allowedOrigin(%s) = %q, want %q", o, got, want)
		}
	}
	star := NewCORS(&model.CORSSpec{Origins: []string{"*"}})
	if got := star.allowedOrigin("https://any.io"); got != "*" {
		t.Errorf("* without credentials = %q", got)
	}
}

// BenchmarkChainAPIKey is the cost of the whole policy chain in front of a
// handler for an API-key request that passes (IP filter, request checks,
// CORS, route, authentication, consumer IP filter, authorization).
func BenchmarkChainAPIKey(b *testing.B) {
	idx, err := NewConsumers("dev", []model.Consumer{{Name: "ada", TokenHashes: []string{hashOf("secret-key")}, APIs: []string{"erp"},
		IPFilter: &model.IPFilter{Enabled: true, CIDRs: []string{"192.0.2.0/24"}}}})
	if err != nil {
		b.Fatal(err)
	}
	ipf, _ := NewIPFilter([]string{"192.0.2.0/24"}, []string{"192.0.2.99"})
	chain := &Chain{IPFilter: ipf, CORS: NewCORS(&model.CORSSpec{Origins: []string{"https://app.example.com"}}),
		Listeners: map[string]Authenticator{"": APIKey{}}, Consumers: idx, Router: fixedRouter{Route{API: "erp", Endpoint: "getCustomer"}}}
	var seen string
	h := chain.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = endpoint.User(r.Context()) }))
	r := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/customers/1", nil)
	r.RemoteAddr = "192.0.2.1:4000"
	w := &headerWriter{h: http.Header{}, code: 200}
	key := []string{"secret-key"}
	b.ReportAllocs()
	for b.Loop() {
		// The chain removes the verified key, as it would for a real request.
		r.Header = http.Header{"X-Api-Key": key}
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	if seen != "ada" || w.code != 200 {
		b.Fatalf("user %q, status %d", seen, w.code)
	}
}

type fixedRouter struct{ r Route }

func (f fixedRouter) Route(*http.Request) Route { return f.r }

// headerWriter is a ResponseWriter that keeps headers and the status only.
type headerWriter struct {
	h    http.Header
	code int
}

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(code int)        { w.code = code }

package plan

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// clock is a settable time for expiry and quota windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

const (
	shopKey     = "pk_shopshopshopshopshopshopshopshopshopshop1"
	offKey      = "pk_disabledkeydisabledkeydisabledkeydisab1"
	oldKey      = "pk_expiredkeyexpiredkeyexpiredkeyexpiredk1"
	crmKey      = "pk_crmonlycrmonlycrmonlycrmonlycrmonlycrmo1"
	frozenKey   = "pk_frozenappfrozenappfrozenappfrozenappfr1"
	bronzeKey   = "pk_bronzebronzebronzebronzebronzebronzebr1"
	unknownKey  = "pk_nobodynobodynobodynobodynobodynobodyno1"
	v2Key       = "pk_v2onlyv2onlyv2onlyv2onlyv2onlyv2onlyv21"
	rateLimited = 3
)

var epoch = time.Date(2026, 11, 27, 23, 59, 0, 0, time.UTC)

func apiKey(clear string, mods ...func(*model.APIKey)) model.APIKey {
	k := model.APIKey{ID: clear[3:9], Prefix: clear[:7], Hash: model.HashAPIKey(clear)}
	for _, m := range mods {
		m(&k)
	}
	return k
}

func testSnapshot() *model.Snapshot {
	expired := epoch.Add(-time.Minute)
	return &model.Snapshot{
		Environment: "dev",
		Plans: []model.Plan{
			{Name: "gold", Spec: model.PlanSpec{
				Rate:           &model.PlanRate{Requests: rateLimited, Per: "minute"},
				Quota:          &model.PlanQuota{Requests: 100, Per: "day"},
				MaxMessageSize: 16,
			}},
			{Name: "daily", Spec: model.PlanSpec{Quota: &model.PlanQuota{Requests: 2, Per: "day"}}},
			{Name: "public", Spec: model.PlanSpec{Keyless: true, Rate: &model.PlanRate{Requests: 1, Per: "hour"}}},
			{Name: "retired", Spec: model.PlanSpec{Status: model.StatusDisabled}},
		},
		Applications: []model.Application{
			{Name: "shop", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}}},
				Keys: []model.APIKey{
					apiKey(shopKey),
					apiKey(offKey, func(k *model.APIKey) { k.Status = model.StatusDisabled }),
					apiKey(oldKey, func(k *model.APIKey) { k.ExpiresAt = &expired }),
				}},
			{Name: "crm-app", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "crm", Plan: "daily"}}},
				Keys: []model.APIKey{apiKey(crmKey)}},
			{Name: "frozen", Spec: model.ApplicationSpec{Status: model.StatusDisabled, Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}}},
				Keys: []model.APIKey{apiKey(frozenKey)}},
			{Name: "bronze", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "retired"}}},
				Keys: []model.APIKey{apiKey(bronzeKey)}},
			{Name: "v2app", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Version: "v2", Plan: "gold"}}},
				Keys: []model.APIKey{apiKey(v2Key)}},
			{Name: "public", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "crm", Plan: "public"}}}},
		},
	}
}

// echo reads the whole body, as a decoder would, and answers 200 or 413.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	io.WriteString(w, "ok")
})

// runtime is a test server that mounts erp v1, erp v2, crm v1 and an API
// without subscriptions behind one compiled policy.
func runtime(t *testing.T, lim ratelimit.Limiter, cnt ratelimit.Counter, c *clock) *httptest.Server {
	t.Helper()
	p, err := Compile(testSnapshot(), lim, cnt, nil, WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/erp/v1/", p.Wrap("erp", "v1", echo))
	mux.Handle("/erp/v2/", p.Wrap("erp", "v2", echo))
	mux.Handle("/crm/v1/", p.Middleware("crm", "v1")(echo))
	mux.Handle("/open/v1/", p.Wrap("open", "v1", echo))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func local(c *clock) (*ratelimit.Local, *ratelimit.LocalCounter) {
	return ratelimit.NewLocal(c.now), ratelimit.NewLocalCounter(c.now)
}

type answer struct {
	status int
	header http.Header
	code   string
	detail string
}

func send(t *testing.T, srv *httptest.Server, method, path, apiKey, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if apiKey != "" {
		req.Header.Set("X-API-Key", apiKey)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		var p struct{ Code, Detail string }
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("problem body %q: %v", b, err)
		}
		a.code, a.detail = p.Code, p.Detail
	}
	return a
}

func TestAccess(t *testing.T) {
	c := &clock{t: epoch}
	lim, cnt := local(c)
	srv := runtime(t, lim, cnt, c)
	cases := []struct {
		name, path, key string
		status          int
		code            string
	}{
		{"subscribed key", "/erp/v1/customers", shopKey, 200, ""},
		{"subscription covers every version", "/erp/v2/customers", shopKey, 200, ""},
		{"no key", "/erp/v1/customers", "", 401, codeKeyMissing},
		{"unknown key", "/erp/v1/customers", unknownKey, 401, codeKeyUnknown},
		{"disabled key", "/erp/v1/customers", offKey, 403, codeKeyDisabled},
		{"expired key", "/erp/v1/customers", oldKey, 403, codeKeyExpired},
		{"disabled application", "/erp/v1/customers", frozenKey, 403, codeAppDisabled},
		{"disabled plan", "/erp/v1/customers", bronzeKey, 403, codePlanOff},
		{"not subscribed to the API", "/erp/v1/customers", crmKey, 403, codeNoSub},
		{"not subscribed to this version", "/erp/v1/customers", v2Key, 403, codeNoSub},
		{"subscribed to this version", "/erp/v2/customers", v2Key, 200, ""},
		{"a key longer than any issued", "/erp/v1/customers", shopKey + strings.Repeat("x", 200), 401, codeKeyUnknown},
		{"a key with a prefix of a real one", "/erp/v1/customers", shopKey[:20], 401, codeKeyUnknown},
		{"API without subscriptions is open", "/open/v1/x", "", 200, ""},
		{"unknown keys do not matter on open APIs", "/open/v1/x", unknownKey, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := send(t, srv, "GET", tc.path, tc.key, "")
			if a.status != tc.status || a.code != tc.code {
				t.Fatalf("%s %s = %d %q (%s), want %d %q", tc.path, tc.key, a.status, a.code, a.detail, tc.status, tc.code)
			}
		})
	}
}

func TestRateLimit429(t *testing.T) {
	c := &clock{t: epoch}
	lim, cnt := local(c)
	srv := runtime(t, lim, cnt, c)
	for i := range rateLimited {
		a := send(t, srv, "GET", "/erp/v1/customers", shopKey, "")
		if a.status != 200 {
			t.Fatalf("request %d = %d %s", i+1, a.status, a.detail)
		}
		if got := a.header.Get("RateLimit-Remaining"); got != itoa(rateLimited-1-i) {
			t.Fatalf("request %d: RateLimit-Remaining %q, want %d", i+1, got, rateLimited-1-i)
		}
	}
	a := send(t, srv, "GET", "/erp/v1/customers", shopKey, "")
	if a.status != http.StatusTooManyRequests || a.code != "rate-limited" {
		t.Fatalf("over the rate = %d %q", a.status, a.code)
	}
	// 3 a minute: the next request fits in 20 s.
	want := map[string]string{"Retry-After": "20", "RateLimit-Limit": "3", "RateLimit-Remaining": "0", "RateLimit-Reset": "60"}
	for h, v := range want {
		if got := a.header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
	// Another application's allowance is its own.
	if a := send(t, srv, "GET", "/erp/v2/customers", v2Key, ""); a.status != 200 {
		t.Fatalf("another application = %d", a.status)
	}
	c.set(epoch.Add(20 * time.Second))
	if a := send(t, srv, "GET", "/erp/v1/customers", shopKey, ""); a.status != 200 {
		t.Fatalf("after Retry-After = %d", a.status)
	}
}

func TestQuotaRollsOverAtMidnightUTC(t *testing.T) {
	c := &clock{t: epoch} // 23:59 UTC
	lim, cnt := local(c)
	srv := runtime(t, lim, cnt, c)
	for i := range 2 {
		if a := send(t, srv, "GET", "/crm/v1/x", crmKey, ""); a.status != 200 {
			t.Fatalf("request %d = %d %s", i+1, a.status, a.detail)
		}
	}
	a := send(t, srv, "GET", "/crm/v1/x", crmKey, "")
	if a.status != 429 || a.header.Get("Retry-After") != "60" || a.header.Get("RateLimit-Limit") != "2" ||
		a.header.Get("RateLimit-Remaining") != "0" || !strings.Contains(a.detail, "quota") {
		t.Fatalf("over the quota = %d %q %v", a.status, a.detail, a.header)
	}
	c.set(epoch.Add(59 * time.Second))
	if a := send(t, srv, "GET", "/crm/v1/x", crmKey, ""); a.status != 429 || a.header.Get("Retry-After") != "1" {
		t.Fatalf("one second before midnight = %d, Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	c.set(epoch.Add(time.Minute)) // 00:00 the next day
	a = send(t, srv, "GET", "/crm/v1/x", crmKey, "")
	if a.status != 200 || a.header.Get("RateLimit-Remaining") != "1" || a.header.Get("RateLimit-Reset") != "86400" {
		t.Fatalf("after midnight = %d %v", a.status, a.header)
	}
}

func TestMaxMessageSize(t *testing.T) {
	c := &clock{t: epoch}
	lim, cnt := local(c)
	srv := runtime(t, lim, cnt, c)
	if a := send(t, srv, "POST", "/erp/v1/customers", shopKey, "0123456789abcdef"); a.status != 200 {
		t.Fatalf("16 bytes = %d", a.status)
	}
	if a := send(t, srv, "POST", "/erp/v1/customers", shopKey, "0123456789abcdefX"); a.status != 413 {
		t.Fatalf("17 bytes = %d", a.status)
	}
	// A chunked body has no Content-Length: it is cut while read.
	req, _ := http.NewRequest("POST", srv.URL+"/erp/v1/customers", io.MultiReader(strings.NewReader("0123456789"), strings.NewReader("abcdefXYZ")))
	req.Header.Set("X-API-Key", shopKey)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 || req.ContentLength != 0 {
		t.Fatalf("chunked 19 bytes = %d (content length %d)", resp.StatusCode, req.ContentLength)
	}
}

func TestKeylessCountsByClientIP(t *testing.T) {
	c := &clock{t: epoch}
	lim, cnt := local(c)
	p, err := Compile(testSnapshot(), lim, cnt, nil, WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	h := p.Wrap("crm", "v1", echo)
	call := func(addr, apiKey string) int {
		r := httptest.NewRequest("GET", "/crm/v1/x", nil)
		r.RemoteAddr = addr
		if apiKey != "" {
			r.Header.Set("X-API-Key", apiKey)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	// The public plan admits one request an hour per address.
	if got := call("192.0.2.1:5000", ""); got != 200 {
		t.Fatalf("first keyless call = %d", got)
	}
	if got := call("192.0.2.1:5001", ""); got != 429 {
		t.Fatalf("second keyless call from the same address = %d", got)
	}
	if got := call("[2001:db8::1]:443", ""); got != 200 {
		t.Fatalf("another address = %d", got)
	}
	// A key holder is counted under its own subscription, not the address's.
	if got := call("192.0.2.1:5002", crmKey); got != 200 {
		t.Fatalf("key holder from a limited address = %d", got)
	}
	// An API without a keyless subscription still needs a key.
	erp := p.Wrap("erp", "v1", echo)
	r := httptest.NewRequest("GET", "/erp/v1/x", nil)
	w := httptest.NewRecorder()
	erp.ServeHTTP(w, r)
	if w.Code != 401 {
		t.Fatalf("keyless call of erp = %d", w.Code)
	}
}

func TestCompileRefusesInconsistentSnapshots(t *testing.T) {
	snap := testSnapshot()
	snap.Applications[0].Spec.Subscriptions[0].Plan = "platinum"
	if _, err := Compile(snap, ratelimit.NewLocal(nil), ratelimit.NewLocalCounter(nil), nil); err == nil || !strings.Contains(err.Error(), "platinum") {
		t.Fatalf("missing plan: %v", err)
	}
	if _, err := Compile(testSnapshot(), nil, nil, nil); !errors.Is(err, ErrNoCounters) {
		t.Fatalf("no counters: %v", err)
	}
	// A snapshot without plans needs no counters and enforces nothing.
	p, err := Compile(&model.Snapshot{}, nil, nil, nil)
	if err != nil || p.Enforced("erp") {
		t.Fatalf("empty snapshot: %v", err)
	}
}

// TestUnavailableCounters: when the shared store is down and the runtime
// refuses in that case, callers get 503 with Retry-After, not a free pass.
func TestUnavailableCounters(t *testing.T) {
	c := &clock{t: epoch}
	down := &ratelimit.Fallback{Shared: broken{}}
	srv := runtime(t, down, down, c)
	a := send(t, srv, "GET", "/erp/v1/customers", shopKey, "")
	if a.status != 503 || a.header.Get("Retry-After") == "" {
		t.Fatalf("counters down = %d %v", a.status, a.header)
	}
}

type broken struct{}

func (broken) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("connection refused")
}

func (broken) Take(context.Context, string, ratelimit.Quota) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("connection refused")
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestHashKeyMatchesTheStoredHash: the stack-buffer hash and the long-key
// fallback both give the digest the control plane stores (hex).
func TestHashKeyMatchesTheStoredHash(t *testing.T) {
	for _, k := range []string{"", shopKey, strings.Repeat("k", 96), strings.Repeat("k", 97), strings.Repeat("long", 100)} {
		h := hashKey(k)
		if got := hex.EncodeToString(h[:]); got != model.HashAPIKey(k) {
			t.Fatalf("hashKey(%d bytes) = %s, want %s", len(k), got, model.HashAPIKey(k))
		}
	}
}

// TestTwoKeylessSubscriptions: when two applications hold a keyless
// subscription to one API, keyless callers use the first by name, however
// the snapshot orders them.
func TestTwoKeylessSubscriptions(t *testing.T) {
	snap := &model.Snapshot{
		Plans: []model.Plan{
			{Name: "open", Spec: model.PlanSpec{Keyless: true}},
			{Name: "strict", Spec: model.PlanSpec{Keyless: true, Rate: &model.PlanRate{Requests: 1, Per: "hour"}}},
		},
		Applications: []model.Application{
			{Name: "zeta", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "open"}}}},
			{Name: "alpha", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "strict"}}}},
		},
	}
	p, err := Compile(snap, ratelimit.NewLocal(nil), ratelimit.NewLocalCounter(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := p.Wrap("erp", "v1", echo)
	codes := []int{}
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/erp/v1/x", nil))
		codes = append(codes, w.Code)
	}
	if codes[0] != 200 || codes[1] != 429 {
		t.Fatalf("keyless calls = %v, want [200 429] (alpha's strict plan)", codes)
	}
}

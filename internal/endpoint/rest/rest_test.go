package rest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

const maxBody = 1024

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func shopAPI() *model.APISpec {
	return &model.APISpec{BasePath: "shop", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/customers/{id}", Process: "echo"},
		{Method: "GET", Path: "/customers/search", Process: "fixed"},
		{Method: "DELETE", Path: "/customers/{key}", Process: "echo", Output: "none"},
		{Method: "POST", Path: "/customers", Process: "echo", RequestProfile: model.Schema{
			"type":     "object",
			"required": []any{"email"},
			"properties": map[string]any{
				"email": map[string]any{"type": "string", "format": "email"},
				"age":   map[string]any{"type": "integer", "minimum": 0},
			},
		}},
		{Method: "POST", Path: "/batch", Process: "profiled", Input: "multijson", Output: "multijson"},
		{Method: "POST", Path: "/one", Process: "profiled"},
		{Method: "GET", Path: "/items", Process: "echo", Query: []model.QueryParam{
			{Name: "limit", Type: "integer", Required: true},
			{Name: "price", Type: "number"},
			{Name: "active", Type: "boolean"},
			{Name: "q"},
		}},
		{Method: "GET", Path: "/list", Process: "paged"},
		{Method: "GET", Path: "/empty", Process: "empty"},
		{Method: "POST", Path: "/created", Process: "created"},
		{Method: "GET", Path: "/fail", Process: "fail"},
		{Method: "GET", Path: "/down", Process: "down"},
		{Method: "GET", Path: "/boom", Process: "boom"},
		{Method: "GET", Path: "/slow", Process: "slow"},
		{Method: "POST", Path: "/text", Process: "docs", Input: "text", Output: "text"},
		{Method: "POST", Path: "/xml", Process: "docs", Input: "xml", Output: "xml"},
		{Method: "POST", Path: "/bin", Process: "docs", Input: "binary", Output: "binary"},
		{Method: "GET", Path: "/headers", Process: "echo", Headers: []string{"X-Tenant", "Accept-Language"}},
		{Method: "POST", Path: "/ping", Process: "echo", Input: "none"},
		{Method: "GET", Path: "/", Process: "fixed"},
	}}
}

func newServer(t *testing.T) string {
	t.Helper()
	url, _ := startShop(t)
	return url
}

// startShop serves the test APIs and returns the URL and the log.
func startShop(t *testing.T) (string, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	procs := map[string]rest.RunnerWithSpec{
		"echo":  proc(echo, nil),
		"docs":  proc(docsOnly, nil),
		"fixed": proc(returns(&process.Result{Documents: []any{map[string]any{"route": "fixed"}}}, nil), nil),
		"profiled": proc(docsOnly, &model.ProcessSpec{Input: model.Schema{
			"type": "object", "required": []any{"sku"},
			"properties": map[string]any{"sku": map[string]any{"type": "string", "minLength": 3}},
		}}),
		"paged": proc(numbered(5), &model.ProcessSpec{MaxDocuments: 2}),
		"empty": proc(returns(&process.Result{}, nil), nil),
		"created": proc(returns(&process.Result{
			Documents: []any{map[string]any{"id": 7}},
			Props: map[string]any{
				"outstatuscode":             201,
				"outheader_Location":        "/ws/rest/shop/v1/customers/7",
				"outheader_X-Count":         3,
				"outheader_Connection":      "close",
				"outheader_Content-Length":  "1",
				"outheader_X-Forwarded-For": "10.0.0.1",
				"outheader_X-Execution-Id":  "forged",
				"outheader_X-Bad":           "a\r\nSet-Cookie: x=1",
				"other":                     "not a header",
			},
		}, nil), nil),
		"fail": proc(returns(nil, &process.Failure{Status: 404, Code: "NO_CUSTOMER", Message: "customer 7 does not exist"}), nil),
		"down": proc(returns(nil, &process.StepError{Process: "down", Path: "spec.steps[0].query",
			Err: fmt.Errorf("dial tcp 127.0.0.1:5432: %w", model.ErrUnavailable)}), nil),
		"boom": proc(returns(nil, errors.New(`SELECT password FROM users: near "FORM": syntax error`)), nil),
		"slow": proc(returns(nil, fmt.Errorf("http step: %w", context.DeadlineExceeded)), nil),
	}
	shop, err := rest.Compile(shopAPI(), procs, rest.Options{MaxBodyBytes: maxBody, TokenKey: []byte("test key"), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	who := func(name string) map[string]rest.RunnerWithSpec {
		return map[string]rest.RunnerWithSpec{"who": proc(returns(&process.Result{Documents: []any{name}}, nil), nil)}
	}
	// "sales" v1 serves /crm/v1/who, but "sales/v1/crm" v1 is longer and wins.
	sales, err := rest.Compile(&model.APISpec{BasePath: "sales", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/crm/v1/who", Process: "who"},
		{Method: "GET", Path: "/who", Process: "who"},
	}}, who("sales"), rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	crm, err := rest.Compile(&model.APISpec{BasePath: "sales/v1/crm", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/who", Process: "who"},
	}}, who("crm"), rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{sales, shop, crm}))
	t.Cleanup(srv.Close)
	return srv.URL, logs
}

// lockedBuffer is a log sink shared by concurrent handlers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type restCase struct {
	name    string
	method  string
	path    string
	header  map[string]string
	body    string
	chunked bool
	status  int
	// headers: want value; "" means the header must be absent.
	headers map[string]string
	// json: pointer → want value in the JSON body (numbers as float64).
	json map[string]any
	// absent: pointers that must not exist in the JSON body.
	absent []string
	// body: exact body (for non-JSON answers).
	wantBody *string
	// notIn: text the body must not contain.
	notIn []string
}

func ptr(s string) *string { return &s }

const problemCT = "application/problem+json"

func TestREST(t *testing.T) {
	t.Parallel()
	base := newServer(t)
	cases := []restCase{
		{name: "path param", method: "GET", path: "/ws/rest/shop/v1/customers/42", status: 200,
			headers: map[string]string{"Content-Type": "application/json"},
			json: map[string]any{"/props/param_id": "42", "/props/inmethod": "GET", "/props/inpath": "/ws/rest/shop/v1/customers/42",
				"/props/inuser": "", "/docs": nil}},
		{name: "fixed segment beats parameter", method: "GET", path: "/ws/rest/shop/v1/customers/search", status: 200,
			json: map[string]any{"/route": "fixed"}},
		{name: "api root endpoint", method: "GET", path: "/ws/rest/shop/v1/", status: 200, json: map[string]any{"/route": "fixed"}},
		{name: "HEAD on a GET endpoint", method: "HEAD", path: "/ws/rest/shop/v1/customers/42", status: 200},
		{name: "unknown route", method: "GET", path: "/ws/rest/shop/v1/nothing", status: 404,
			headers: map[string]string{"Content-Type": problemCT},
			json:    map[string]any{"/status": float64(404), "/title": "Not Found", "/type": "https://portico.dev/problems/not-found"}},
		{name: "unknown api", method: "GET", path: "/ws/rest/nope/v1/x", status: 404, headers: map[string]string{"Content-Type": problemCT}},
		{name: "api root without slash", method: "GET", path: "/ws/rest/sales/v1", status: 404},
		{name: "wrong method on known path", method: "PUT", path: "/ws/rest/shop/v1/customers/42", status: 405,
			headers: map[string]string{"Allow": "DELETE, GET, HEAD", "Content-Type": problemCT}},
		{name: "wrong method on fixed path", method: "PATCH", path: "/ws/rest/shop/v1/customers", status: 405,
			headers: map[string]string{"Allow": "POST"}},
		{name: "delete answers 204 for output none", method: "DELETE", path: "/ws/rest/shop/v1/customers/9", status: 204,
			wantBody: ptr("")},

		// Request bodies.
		{name: "valid body", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"ann@example.com","age":30,"score":1.5,"big":12345678901234567890}`, status: 200,
			json: map[string]any{"/docs/0/email": "ann@example.com", "/docs/0/age": float64(30), "/docs/0/score": 1.5}},
		{name: "+json media type", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/merge-patch+json; charset=utf-8"},
			body: `{"email":"ann@example.com"}`, status: 200},
		{name: "profile: wrong format", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"not-an-email"}`, status: 400,
			json: map[string]any{"/errors/0/pointer": "/email", "/status": float64(400)}},
		{name: "profile: wrong type", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"a@b.co","age":-1}`, status: 400, json: map[string]any{"/errors/0/pointer": "/age"}},
		{name: "profile: missing property", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{}`, status: 400, json: map[string]any{"/errors/0/pointer": "/email", "/errors/0/message": "is required"}},
		{name: "process input profile by default", method: "POST", path: "/ws/rest/shop/v1/one", header: map[string]string{"Content-Type": "application/json"},
			body: `{"sku":"ab"}`, status: 400, json: map[string]any{"/errors/0/pointer": "/sku"}},
		{name: "invalid JSON names the offset", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email": "a@b.co",}`, status: 400, json: map[string]any{"/detail": "invalid JSON at offset 19: invalid character '}' looking for beginning of object key string"}},
		{name: "two documents", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"a@b.co"} {}`, status: 400, json: map[string]any{"/detail": "invalid JSON at offset 19: unexpected data after the document"}},
		{name: "wrong media type", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "text/plain"},
			body: `{"email":"a@b.co"}`, status: 415, headers: map[string]string{"Content-Type": problemCT}},
		{name: "missing media type", method: "POST", path: "/ws/rest/shop/v1/customers", body: `{"email":"a@b.co"}`, status: 415},
		{name: "missing body", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"}, status: 400},
		{name: "body too large", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"` + strings.Repeat("a", maxBody) + `"}`, status: 413, headers: map[string]string{"Content-Type": problemCT}},
		{name: "chunked body too large", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"` + strings.Repeat("a", maxBody) + `"}`, chunked: true, status: 413},
		{name: "chunked body within the limit", method: "POST", path: "/ws/rest/shop/v1/customers", header: map[string]string{"Content-Type": "application/json"},
			body: `{"email":"a@b.co"}`, chunked: true, status: 200, json: map[string]any{"/docs/0/email": "a@b.co"}},
		{name: "no body expected", method: "POST", path: "/ws/rest/shop/v1/ping", body: "x", status: 400},
		{name: "no body expected and none sent", method: "POST", path: "/ws/rest/shop/v1/ping", status: 200, json: map[string]any{"/docs": nil}},
		{name: "multijson splits an array", method: "POST", path: "/ws/rest/shop/v1/batch", header: map[string]string{"Content-Type": "application/json"},
			body: `[{"sku":"abc"},{"sku":"defg"}]`, status: 200, json: map[string]any{"/0/sku": "abc", "/1/sku": "defg"}},
		{name: "multijson single object is one document, answered as an array", method: "POST", path: "/ws/rest/shop/v1/batch",
			header: map[string]string{"Content-Type": "application/json"}, body: `{"sku":"abc"}`, status: 200, json: map[string]any{"/0/sku": "abc"}},
		{name: "multijson pointer names the element", method: "POST", path: "/ws/rest/shop/v1/batch", header: map[string]string{"Content-Type": "application/json"},
			body: `[{"sku":"abc"},{"sku":1}]`, status: 400, json: map[string]any{"/errors/0/pointer": "/1/sku"}},
		{name: "text in and out", method: "POST", path: "/ws/rest/shop/v1/text", header: map[string]string{"Content-Type": "text/plain"},
			body: "héllo", status: 200, headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, wantBody: ptr("héllo")},
		{name: "xml in and out", method: "POST", path: "/ws/rest/shop/v1/xml", header: map[string]string{"Content-Type": "application/soap+xml"},
			body: "<a/>", status: 200, headers: map[string]string{"Content-Type": "application/xml; charset=utf-8"}, wantBody: ptr("<a/>")},
		{name: "xml refuses json", method: "POST", path: "/ws/rest/shop/v1/xml", header: map[string]string{"Content-Type": "application/json"},
			body: "{}", status: 415},
		{name: "binary round trip", method: "POST", path: "/ws/rest/shop/v1/bin", header: map[string]string{"Content-Type": "image/png"},
			body: "\x00\x01\xffPNG", status: 200, headers: map[string]string{"Content-Type": "application/octet-stream"}, wantBody: ptr("\x00\x01\xffPNG")},

		// Query parameters.
		{name: "typed query", method: "GET", path: "/ws/rest/shop/v1/items?limit=10&price=9.5&active=true&q=shoe&extra=x", status: 200,
			json: map[string]any{"/props/query_limit": float64(10), "/props/query_price": 9.5, "/props/query_active": true,
				"/props/query_q": "shoe", "/props/query_extra": "x"}},
		{name: "required query missing", method: "GET", path: "/ws/rest/shop/v1/items", status: 400,
			json: map[string]any{"/detail": `query parameter "limit" is required`}},
		{name: "integer query wrong", method: "GET", path: "/ws/rest/shop/v1/items?limit=ten", status: 400,
			json: map[string]any{"/detail": `query parameter "limit": "ten" is not an integer`}},
		{name: "number query wrong", method: "GET", path: "/ws/rest/shop/v1/items?limit=1&price=NaN", status: 400},
		{name: "boolean query wrong", method: "GET", path: "/ws/rest/shop/v1/items?limit=1&active=maybe", status: 400},
		{name: "optional query absent", method: "GET", path: "/ws/rest/shop/v1/items?limit=1", status: 200, absent: []string{"/props/query_price"}},

		// Headers in.
		{name: "declared headers pass, protected and undeclared do not", method: "GET", path: "/ws/rest/shop/v1/headers",
			header: map[string]string{"X-Tenant": "acme", "Accept-Language": "fr", "X-Forwarded-For": "1.2.3.4", "X-WSS-Token": "t",
				"X-Other": "no", "Via": "1.1 proxy", "Proxy-Authorization": "Basic x"},
			status: 200, json: map[string]any{"/props/inheader_X-Tenant": "acme", "/props/inheader_Accept-Language": "fr", "/props/inheader_X-WSS-Token": "t"},
			absent: []string{"/props/inheader_X-Forwarded-For", "/props/inheader_X-Other", "/props/inheader_Via", "/props/inheader_Proxy-Authorization"}},

		// Results.
		{name: "outstatuscode and outheader", method: "POST", path: "/ws/rest/shop/v1/created", header: map[string]string{"Content-Type": "application/json"},
			body: `{}`, status: 201,
			headers: map[string]string{"Location": "/ws/rest/shop/v1/customers/7", "X-Count": "3", "X-Forwarded-For": "", "X-Bad": "", "Other": "", "Connection": ""},
			json:    map[string]any{"/id": float64(7)}},
		{name: "empty result is an empty array", method: "GET", path: "/ws/rest/shop/v1/empty", status: 200, wantBody: ptr("[]\n")},
		{name: "fail step status, code and message", method: "GET", path: "/ws/rest/shop/v1/fail", status: 404,
			headers: map[string]string{"Content-Type": problemCT},
			json:    map[string]any{"/code": "NO_CUSTOMER", "/detail": "customer 7 does not exist", "/status": float64(404)}},
		{name: "database down", method: "GET", path: "/ws/rest/shop/v1/down", status: 503,
			headers: map[string]string{"Retry-After": "5", "Content-Type": problemCT},
			json:    map[string]any{"/detail": "the database is unavailable; try again later"}, notIn: []string{"5432", "dial"}},
		{name: "generic 500 leaks nothing", method: "GET", path: "/ws/rest/shop/v1/boom", status: 500,
			headers: map[string]string{"Content-Type": problemCT}, notIn: []string{"SELECT", "password", "syntax"}},
		{name: "upstream timeout", method: "GET", path: "/ws/rest/shop/v1/slow", status: 504},

		// Routing among APIs.
		{name: "longest base path wins", method: "GET", path: "/ws/rest/sales/v1/crm/v1/who", status: 200, wantBody: ptr("\"crm\"\n")},
		{name: "shorter base path still served", method: "GET", path: "/ws/rest/sales/v1/who", status: 200, wantBody: ptr("\"sales\"\n")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, c.method, base+c.path, c.header, c.body, c.chunked)
			t.Logf("%d %v %s", a.status, a.header, a.body)
			if a.status != c.status {
				t.Fatalf("status = %d, want %d; body %s", a.status, c.status, a.body)
			}
			// Every answer carries one execution id, errors included.
			ids := a.header.Values("X-Execution-Id")
			if len(ids) != 1 || !uuidRE.MatchString(ids[0]) {
				t.Errorf("X-Execution-Id = %q, want one UUIDv7", ids)
			}
			if a.status >= 400 && len(ids) == 1 {
				if got, _ := at(a.body, "/executionId"); got != ids[0] {
					t.Errorf("executionId member = %v, want %s", got, ids[0])
				}
			}
			for k, want := range c.headers {
				if got := a.header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			for p, want := range c.json {
				got, ok := at(a.body, p)
				if !ok {
					t.Errorf("%s missing in %s", p, a.body)
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s\nbody %s", p, diff, a.body)
				}
			}
			for _, p := range c.absent {
				if _, ok := at(a.body, p); ok {
					t.Errorf("%s present in %s", p, a.body)
				}
			}
			if c.wantBody != nil && string(a.body) != *c.wantBody {
				t.Errorf("body = %q, want %q", a.body, *c.wantBody)
			}
			for _, s := range c.notIn {
				if strings.Contains(string(a.body), s) {
					t.Errorf("body %s leaks %q", a.body, s)
				}
			}
		})
	}
}

// The client sees only the execution id; the log keeps the error under it.
func TestFailureLoggedUnderExecutionID(t *testing.T) {
	t.Parallel()
	url, logs := startShop(t)
	a := do(t, "GET", url+"/ws/rest/shop/v1/boom", nil, "", false)
	id := a.header.Get("X-Execution-Id")
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "execution="+id) && strings.Contains(line, "SELECT password") && strings.Contains(line, "level=ERROR") {
			return
		}
	}
	t.Fatalf("no ERROR line with execution=%s and the cause in:\n%s", id, logs)
}

func TestExecutionIDsDiffer(t *testing.T) {
	t.Parallel()
	base := newServer(t)
	a := do(t, "GET", base+"/ws/rest/shop/v1/customers/1", nil, "", false)
	b := do(t, "GET", base+"/ws/rest/shop/v1/customers/1", nil, "", false)
	ida, idb := a.header.Get("X-Execution-Id"), b.header.Get("X-Execution-Id")
	if ida == idb {
		t.Fatalf("two requests share execution id %s", ida)
	}
	if got, _ := at(a.body, "/props/execution_id"); got != ida {
		t.Errorf("execution_id property = %v, want the header's %s", got, ida)
	}
}

func TestUserReachesProcess(t *testing.T) {
	t.Parallel()
	api, err := rest.Compile(&model.APISpec{BasePath: "u", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/me", Process: "echo"},
	}}, map[string]rest.RunnerWithSpec{"echo": proc(echo, nil)}, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	auth := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(w, r.WithContext(rest.WithUser(r.Context(), "ann")))
	})
	srv := httptest.NewServer(auth)
	defer srv.Close()
	a := do(t, "GET", srv.URL+"/ws/rest/u/v1/me", nil, "", false)
	if got, _ := at(a.body, "/props/inuser"); got != "ann" {
		t.Fatalf("inuser = %v, want ann; body %s", got, a.body)
	}
}

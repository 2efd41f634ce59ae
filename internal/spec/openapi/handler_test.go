package openapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
)

const testPrefix = "/ws/rest/erp/v1"

// newTestServer serves the representative document the way the runtime
// mounts it: the handler's patterns on a ServeMux.
func newTestServer(t *testing.T, publicURL string) *httptest.Server {
	t.Helper()
	f := loadFixture(t, "representative.yaml")
	h, err := New(Input{API: &f.API, APIName: "erp", Processes: f.Processes, Security: []SecurityScheme{
		{Kind: SecurityAPIKey}, {Kind: SecurityBearer}, {Kind: SecurityBasic}, {Kind: SecurityMutualTLS, Name: "clientCert"},
	}}, testPrefix, publicURL)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range h.Patterns() {
		mux.Handle(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, u string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestHandlerDocuments fetches the JSON and YAML forms, loads both back
// with kin-openapi, validates them in 3.1 mode and checks they are the
// same document with the servers of the request.
func TestHandlerDocuments(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, "")
	fwd := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com", "X-Forwarded-Prefix": "/gw"}
	var forms []*openapi3.T
	for _, c := range []struct{ path, ctype string }{{"/openapi.json", "application/json"}, {"/openapi.yaml", "application/yaml"}} {
		resp, body := get(t, srv.URL+testPrefix+c.path, fwd)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", c.path, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.ctype)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "X-Forwarded-Host") {
			t.Errorf("%s: Vary %q does not name the forwarded headers", c.path, resp.Header.Get("Vary"))
		}
		doc, err := openapi3.NewLoader().LoadFromData(body)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.path, err, body)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://api.example.com/gw"+testPrefix {
			t.Errorf("%s: servers %v", c.path, doc.Servers)
		}
		forms = append(forms, doc)
	}
	a, _ := json.Marshal(forms[0])
	b, _ := json.Marshal(forms[1])
	want, _ := json.Marshal(representative(t))
	var wantDoc map[string]any
	_ = json.Unmarshal(want, &wantDoc)
	wantDoc["servers"] = []any{map[string]any{"url": "https://api.example.com/gw" + testPrefix}}
	var gotJSON, gotYAML map[string]any
	_ = json.Unmarshal(a, &gotJSON)
	_ = json.Unmarshal(b, &gotYAML)
	if diff := cmp.Diff(wantDoc, gotJSON); diff != "" {
		t.Errorf("openapi.json is not the generated document (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(gotJSON, gotYAML); diff != "" {
		t.Errorf("openapi.yaml differs from openapi.json (-json +yaml):\n%s", diff)
	}
}

func TestHandlerPublicURL(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, "https://api.example.com")
	_, body := get(t, srv.URL+testPrefix+"/openapi.json", map[string]string{"X-Forwarded-Host": "other.example"})
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "https://api.example.com"+testPrefix {
		t.Errorf("got %+v", doc)
	}
}

var assetRE = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

// TestHandlerDocsPage loads the docs page and every asset it names, as a
// browser would, and checks nothing comes from elsewhere.
func TestHandlerDocsPage(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, "")
	pageURL := srv.URL + testPrefix + "/docs"
	resp, body := get(t, pageURL, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page := string(body)
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("the page names an absolute URL:\n%s", page)
	}
	if !strings.Contains(page, "<title>ERP — API documentation</title>") {
		t.Errorf("the page's title is not the API's:\n%s", page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self' " + srv.URL + ";"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("an inline script would need 'unsafe-inline' in the CSP")
	}
	base, _ := url.Parse(pageURL)
	links := assetRE.FindAllStringSubmatch(page, -1)
	if len(links) < 5 {
		t.Fatalf("only %d links in the page", len(links))
	}
	wantTypes := map[string]string{".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json", ".yaml": "application/yaml"}
	for _, l := range links {
		u, err := base.Parse(l[1])
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, u.String(), nil)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes", u.Path, resp.StatusCode, len(body))
			continue
		}
		ext := u.Path[strings.LastIndexByte(u.Path, '.'):]
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantTypes[ext]) {
			t.Errorf("%s: Content-Type %q", u.Path, ct)
		}
	}
	_, js := get(t, pageURL+"/swagger-ui-bundle.js", nil)
	if !strings.Contains(string(js), "SwaggerUIBundle") {
		t.Error("swagger-ui-bundle.js is not Swagger UI")
	}
}

func TestHandlerEdges(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, "")
	d, _ := NewDocument(representative(t))
	h, _ := NewHandler(d, testPrefix, "")
	cases := []struct {
		name, method, path string
		status             int
		header, value      string
	}{
		{"unknown asset", "GET", "/docs/swagger-ui.js.map", 404, "", ""},
		{"no traversal", "GET", "/docs/..%2fopenapi.json", 404, "", ""},
		{"docs slash redirects", "GET", "/docs/", 301, "Location", "../docs"},
		{"head json", "HEAD", "/openapi.json", 200, "Content-Type", "application/json"},
		{"head asset", "HEAD", "/docs/swagger-ui.css", 200, "Cache-Control", "public, max-age=86400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(c.method, srv.URL+testPrefix+c.path, nil)
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.header != "" && resp.Header.Get(c.header) != c.value {
				t.Errorf("%s = %q, want %q", c.header, resp.Header.Get(c.header), c.value)
			}
		})
	}
	// Called directly (not through the patterns), other methods are 405.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", testPrefix+"/openapi.json", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/elsewhere/openapi.json", nil))
	if rec.Code != 404 {
		t.Errorf("outside the prefix: %d", rec.Code)
	}
}

// TestDocumentYAMLKeepsStrings: YAML must not turn titles, versions or
// keys that look like numbers, booleans or dates into other types.
func TestDocumentYAMLKeepsStrings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ title, version, desc string }{
		{"true", "2024-01", "1.10"},
		{"null", "v1", "- a list?\n# a comment?\n"},
		{"1e3", "2024-01-02", "key: value"},
	} {
		in := Input{
			API:       &model.APISpec{BasePath: "x", Version: c.version, Title: c.title, Description: c.desc, Endpoints: []model.Endpoint{{Method: "GET", Path: "/a", Process: "p"}}},
			Processes: map[string]*model.ProcessSpec{"p": {}},
		}
		gen, err := Generate(in)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDocument(gen)
		if err != nil {
			t.Fatal(err)
		}
		servers := []string{"https://example.com/a: b"}
		for name, b := range map[string][]byte{"json": d.JSON(servers), "yaml": d.YAML(servers)} {
			doc, err := openapi3.NewLoader().LoadFromData(b)
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, b)
			}
			got := []string{doc.Info.Title, doc.Info.Version, doc.Info.Description, doc.Servers[0].URL}
			want := []string{c.title, c.version, c.desc, servers[0]}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	}
}

package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestBadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 1024 })
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		detail      string   // a substring of the detail
		paths       []string // field paths, when the problem lists them
	}{
		{"malformed JSON", "POST", "/environments", "application/json", `{"name": "dev",}`, 400, "byte offset 16", nil},
		{"truncated JSON", "POST", "/environments", "application/json", `{"name": "dev"`, 400, "unexpected end", nil},
		{"trailing data", "POST", "/environments", "application/json", `{"name": "dev"} {}`, 400, "data after", nil},
		{"empty body", "POST", "/environments", "application/json", ``, 400, "empty", nil},
		{"unknown field", "POST", "/environments", "application/json", `{"name": "dev", "colour": "red"}`, 400, "unknown field", []string{"colour"}},
		{"unknown nested field", "POST", "/environments", "application/json", `{"name": "dev", "spec": {"tls": true}}`, 400, "unknown field", []string{"spec.tls"}},
		{"unknown field in a list", "POST", "/apply", "application/json", `{"environments": [{"name": "a"}, {"name": "b", "spec": {"x": 1}}]}`, 400, "unknown field", []string{"environments[1].spec.x"}},
		{"unknown field in a ref", "POST", "/deployments", "application/json", `{"environment": "dev", "component": {"kind": "api", "nam": "x"}}`, 400, "unknown field", []string{"component.nam"}},
		{"unknown top-level apply field", "POST", "/apply", "application/json", `{"component": []}`, 400, "unknown field", []string{"component"}},
		{"wrong type", "POST", "/environments", "application/json", `{"name": 7}`, 400, "want a JSON string", []string{"name"}},
		{"invalid value", "POST", "/environments", "application/json", `{"name": "7dev"}`, 400, "not a valid environment name", []string{"name"}},
		{"too large", "POST", "/environments", "application/json", `{"name": "dev", "description": "` + strings.Repeat("x", 2000) + `"}`, 413, "larger than 1024", nil},
		{"text/plain", "POST", "/environments", "text/plain", `{"name": "dev"}`, 415, "application/json", nil},
		{"no content type", "POST", "/environments", "", `{"name": "dev"}`, 415, "application/json", nil},
		{"json with charset", "POST", "/environments", "application/json; charset=utf-8", `{"name": "dev"}`, 201, "", nil},
		{"bad limit", "GET", "/components?limit=0", "", "", 400, "page size", []string{"limit"}},
		{"limit too large", "GET", "/components?limit=501", "", "", 400, "page size", []string{"limit"}},
		{"bad cursor type", "GET", "/components?kind=widget", "", "", 400, "unknown component kind", []string{"kind"}},
		{"bad revision", "GET", "/components/api/erp/revisions/x", "", "", 400, "revision number", []string{"n"}},
		{"missing", "GET", "/components/api/nothing", "", "", 404, "not found", nil},
		{"no such route", "GET", "/nothing", "", "", 404, "no such route", nil},
		{"method not allowed", "DELETE", "/whoami", "", "", 405, "not allowed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" || tt.method == "POST" {
				body = tt.body
			}
			a := e.doCtx(context.Background(), tt.method, tt.path, e.admin, body, tt.contentType)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.status < 300 {
				e.must(http.StatusNoContent, "DELETE", "/environments/dev", e.admin, nil)
				return
			}
			p := a.problem(t)
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", p.Detail, tt.detail)
			}
			if p.Instance != apiPrefix+strings.Split(tt.path, "?")[0] {
				t.Errorf("instance %q", p.Instance)
			}
			if tt.paths != nil && strings.Join(p.paths(), ",") != strings.Join(tt.paths, ",") {
				t.Errorf("paths %q, want %q", p.paths(), tt.paths)
			}
		})
	}
	a := e.do("DELETE", "/whoami", e.admin, nil)
	if got := a.header.Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow %q", got)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var docs []string
	names := []string{"a1", "a2", "a3", "a4", "a5"}
	for _, n := range names {
		docs = append(docs, strings.Replace(connDoc, `"name":"db"`, `"name":"`+n+`"`, 1))
	}
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(docs...))
	seen := map[string]int{}
	cursor, pages := "", 0
	for {
		path := "/components?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page struct {
			Items      []struct{ Name string }
			NextCursor string
		}
		e.must(http.StatusOK, "GET", path, e.admin, nil).json(t, &page)
		pages++
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items with limit=2", len(page.Items))
		}
		for _, it := range page.Items {
			seen[it.Name]++
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if pages != 3 || len(seen) != 5 {
		t.Errorf("%d pages, seen %v", pages, seen)
	}
	for _, n := range names {
		if seen[n] != 1 {
			t.Errorf("%s seen %d times", n, seen[n])
		}
	}
}

func TestHealthVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var h health
	e.must(http.StatusOK, "GET", "/health", "", nil).json(t, &h)
	if h.Status != "ok" || h.Store != "ok" {
		t.Errorf("health %+v", h)
	}
	var v versionInfo
	e.must(http.StatusOK, "GET", "/version", "", nil).json(t, &v)
	if v.Version != "1.2.3" || v.Commit != "abc" || !strings.HasPrefix(v.GoVersion, "go") {
		t.Errorf("version %+v", v)
	}
	// A closed store stops answering.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	e.must(http.StatusServiceUnavailable, "GET", "/health", "", nil)
}

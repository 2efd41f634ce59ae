package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestImportOpenAPIFromFileAndURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"openapi":"3.1.0","info":{"title":"From URL","version":"1"},"paths":{}}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("billing-openapi.yaml", "openapi: 3.0.3\ninfo: {title: From file, version: '1'}\npaths: {}\n")
	proxy := func(name, from string) string {
		return "kind: Proxy\nname: " + name + "\nspec:\n  basePath: " + name + "\n  version: v1\n  targets: [{url: 'http://127.0.0.1:1'}]\n  openapiFrom: " + from + "\n"
	}
	tests := []struct {
		name, from, title, err string
	}{
		{"file", "billing-openapi.yaml", "From file", ""},
		{"url", srv.URL + "/openapi.json", "From URL", ""},
		{"missing file", "nope.yaml", "", "nope.yaml"},
		{"url answering 404", srv.URL + "/nope", "", "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := write(strings.ReplaceAll(tt.name, " ", "-")+".yaml", proxy("p"+strings.ReplaceAll(tt.name, " ", ""), tt.from))
			data, _ := os.ReadFile(f)
			docs, err := decodeSources([]source{{name: f, data: data}})
			if err != nil {
				t.Fatal(err)
			}
			err = importOpenAPI(context.Background(), docs)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want one naming %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			spec := docs[0].Component.Spec.(*model.ProxySpec)
			info, _ := spec.OpenAPI["info"].(map[string]any)
			if spec.OpenAPIFrom != "" || info["title"] != tt.title {
				t.Errorf("spec after import: from %q, openapi %v", spec.OpenAPIFrom, spec.OpenAPI)
			}
		})
	}
}

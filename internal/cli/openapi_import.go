package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// maxOpenAPIBytes caps an imported OpenAPI document.
const maxOpenAPIBytes = 10 << 20

// importOpenAPI reads the document each proxy names in openapiFrom (a file,
// relative to the manifest that names it, or an http(s) URL) into its
// openapi field: the control plane never reads files or fetches URLs on a
// caller's behalf.
func importOpenAPI(ctx context.Context, docs []manifest.Document) error {
	for _, d := range docs {
		if d.Component == nil {
			continue
		}
		spec, ok := d.Component.Spec.(*model.ProxySpec)
		if !ok || spec.OpenAPIFrom == "" {
			continue
		}
		data, err := readOpenAPI(ctx, spec.OpenAPIFrom, manifestDir(d.Source))
		if err != nil {
			return fmt.Errorf("%s: spec.openapiFrom: %w", d.Source, err)
		}
		j, err := yaml.YAMLToJSON(data)
		if err != nil {
			return fmt.Errorf("%s: spec.openapiFrom: %s is neither JSON nor YAML: %w", d.Source, spec.OpenAPIFrom, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(j, &doc); err != nil {
			return fmt.Errorf("%s: spec.openapiFrom: %s is not an object: %w", d.Source, spec.OpenAPIFrom, err)
		}
		from := spec.OpenAPIFrom
		spec.OpenAPI, spec.OpenAPIFrom = doc, ""
		if err := spec.Validate(); err != nil {
			return fmt.Errorf("%s: imported from %s: %w", d.Source, from, err)
		}
	}
	return nil
}

// manifestDir is the directory of the file a document came from
// ("dir/billing.yaml:3"); "." for stdin.
func manifestDir(source string) string {
	if i := strings.LastIndexByte(source, ':'); i > 0 {
		source = source[:i]
	}
	if source == "" || source == "<stdin>" {
		return "."
	}
	return filepath.Dir(source)
}

func readOpenAPI(ctx context.Context, from, dir string) ([]byte, error) {
	if strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, from, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s answered %s", from, resp.Status)
		}
		return readCapped(resp.Body, from)
	}
	path := from
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	return readCapped(f, path)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxOpenAPIBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxOpenAPIBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, maxOpenAPIBytes>>20)
	}
	return b, nil
}

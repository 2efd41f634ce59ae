// Package erp_test checks that the ERP example applies: every document
// decodes, validates, and every reference resolves inside the example.
package erp_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

func TestExampleDecodesAndResolves(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example files: %v", err)
	}
	byRef := map[model.Ref]*model.Component{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := manifest.Decode(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			byRef[d.Component.Ref()] = d.Component
		}
	}
	root, ok := byRef[model.Ref{Kind: model.KindAPI, Name: "erp"}]
	if !ok {
		t.Fatal("the example has no api/erp")
	}
	got, err := model.ResolvePackage(root, func(r model.Ref) (*model.Component, error) {
		if c, ok := byRef[r]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("%w: %s", model.ErrNotFound, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := 5; len(got) != want { // api, three processes, one connection
		t.Errorf("package would hold %d components, want %d", len(got), want)
	}
	if _, err := model.ResolvePackage(root, func(r model.Ref) (*model.Component, error) {
		return nil, model.ErrNotFound
	}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("missing references: got %v, want ErrInvalid", err)
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

func TestTableAlignsColumns(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tb := newTable(&buf, "NAME", "VERSION", "NOTE")
	tb.row("erp", "1.0.0", "")
	tb.row("a-much-longer-name", "10.20.30", "tab\there")
	if err := tb.flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), buf.String())
	}
	col := strings.Index(lines[0], "VERSION")
	for _, l := range lines[1:] {
		if strings.Index(l, "1.0.0") != col && strings.Index(l, "10.20.30") != col {
			t.Errorf("column VERSION at %d, but line %q does not align:\n%s", col, l, buf.String())
		}
	}
	if !strings.Contains(lines[1], "-") {
		t.Errorf("an empty cell should print as '-': %q", lines[1])
	}
	if !strings.Contains(lines[2], "tab here") {
		t.Errorf("a tab inside a value should become a space: %q", lines[2])
	}
}

const apiYAML = `kind: API
name: erp
description: the ERP API
labels:
  team: sales
spec:
  basePath: erp
  version: v1
  endpoints:
    - method: GET
      path: /customers/{id}
      process: getCustomer
`

func TestPrintComponentsYAMLRoundTrips(t *testing.T) {
	t.Parallel()
	docs, err := manifest.Decode("in.yaml", []byte(apiYAML))
	if err != nil {
		t.Fatal(err)
	}
	c := *docs[0].Component
	want, err := c.ContentHash()
	if err != nil {
		t.Fatal(err)
	}
	// The store's fields must not leak into the apply-able form.
	c.Revision, c.Hash, c.UpdatedBy, c.CreatedAt = 3, "sha256:x", "admin", time.Now()
	var buf bytes.Buffer
	if err := printComponents(&buf, outYAML, []model.Component{c, c}, false); err != nil {
		t.Fatal(err)
	}
	again, err := manifest.Decode("out.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("the printed YAML does not decode: %v\n%s", err, buf.String())
	}
	if len(again) != 2 {
		t.Fatalf("got %d documents, want 2:\n%s", len(again), buf.String())
	}
	for _, d := range again {
		got, err := d.Component.ContentHash()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("content hash changed through get -o yaml: %s != %s\n%s", got, want, buf.String())
		}
	}
}

func TestPrintListFormats(t *testing.T) {
	t.Parallel()
	users := []model.User{{Username: "admin", Role: model.RoleAdmin}, {Username: "bob", Role: model.RoleViewer, Disabled: true}}
	tests := []struct {
		name   string
		format string
		items  []model.User
		single bool
		check  func(t *testing.T, out string)
	}{
		{"table", outTable, users, false, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "USERNAME") || !strings.Contains(out, "bob") || !strings.Contains(out, "yes") {
				t.Errorf("table:\n%s", out)
			}
		}},
		{"empty table", outTable, nil, false, func(t *testing.T, out string) {
			if out != "none\n" {
				t.Errorf("empty table = %q, want none", out)
			}
		}},
		{"json list is an array", outJSON, users, false, func(t *testing.T, out string) {
			var got []model.User
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 2 {
				t.Errorf("json = %q (%v)", out, err)
			}
		}},
		{"empty json list is []", outJSON, nil, false, func(t *testing.T, out string) {
			if strings.TrimSpace(out) != "[]" {
				t.Errorf("json = %q, want []", out)
			}
		}},
		{"json single is an object", outJSON, users[:1], true, func(t *testing.T, out string) {
			var got model.User
			if err := json.Unmarshal([]byte(out), &got); err != nil || got.Username != "admin" {
				t.Errorf("json = %q (%v)", out, err)
			}
		}},
		{"yaml documents", outYAML, users, false, func(t *testing.T, out string) {
			if strings.Count(out, "---\n") != 1 || !strings.Contains(out, "username: bob") {
				t.Errorf("yaml:\n%s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := printUsers(&buf, tt.format, tt.items, tt.single); err != nil {
				t.Fatal(err)
			}
			tt.check(t, buf.String())
		})
	}
}

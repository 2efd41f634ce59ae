package profile_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/endpoint/profile"
	"github.com/portico-dev/portico/internal/model"
)

var customer = model.Schema{
	"type":     "object",
	"required": []any{"email", "name"},
	"properties": map[string]any{
		"email": map[string]any{"type": "string", "format": "email"},
		"age":   map[string]any{"type": "integer", "minimum": uint64(0)}, // as YAML decodes it
		"tags":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"a/b":   map[string]any{"type": "boolean"},
		"addr":  map[string]any{"$ref": "#/$defs/address"},
	},
	"$defs": map[string]any{"address": map[string]any{
		"type": "object", "properties": map[string]any{"zip": map[string]any{"type": "string", "pattern": "^[0-9]{5}$"}},
	}},
}

func TestValidate(t *testing.T) {
	t.Parallel()
	p, err := profile.Compile(customer)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		doc  any
		want []string // pointers; nil: valid
	}{
		{"valid", map[string]any{"email": "a@b.co", "name": "Ann", "age": 3}, nil},
		{"integral float is an integer", map[string]any{"email": "a@b.co", "name": "Ann", "age": 3.0}, nil},
		{"bad format", map[string]any{"email": "nope", "name": "Ann"}, []string{"/email"}},
		{"missing two", map[string]any{}, []string{"/email", "/name"}},
		{"fraction is no integer", map[string]any{"email": "a@b.co", "name": "x", "age": 1.5}, []string{"/age"}},
		{"array item", map[string]any{"email": "a@b.co", "name": "x", "tags": []any{"a", 2}}, []string{"/tags/1"}},
		{"escaped pointer", map[string]any{"email": "a@b.co", "name": "x", "a/b": "yes"}, []string{"/a~1b"}},
		{"through a local ref", map[string]any{"email": "a@b.co", "name": "x", "addr": map[string]any{"zip": "12"}}, []string{"/addr/zip"}},
		{"not an object", []any{}, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := p.Validate(c.doc)
			if c.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ve *profile.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			var got []string
			for _, v := range ve.Violations {
				got = append(got, v.Pointer)
				if v.Message == "" {
					t.Errorf("violation at %q has no message", v.Pointer)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("pointers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNilProfileAcceptsAll(t *testing.T) {
	t.Parallel()
	p, err := profile.Compile(nil)
	if err != nil || p != nil {
		t.Fatalf("Compile(nil) = %v, %v; want nil, nil", p, err)
	}
	if err := p.Validate(map[string]any{"x": 1}); err != nil {
		t.Fatal(err)
	}
}

func TestCompileRefusesOutsideRefs(t *testing.T) {
	t.Parallel()
	for _, ref := range []string{"https://example.com/s.json", "file:///etc/passwd", "other.json", "/abs.json#/x"} {
		_, err := profile.Compile(model.Schema{"$ref": ref})
		if !errors.Is(err, profile.ErrRemoteRef) {
			t.Errorf("$ref %q: err = %v, want ErrRemoteRef", ref, err)
		}
	}
	// A custom meta-schema would have to be loaded too.
	if _, err := profile.Compile(model.Schema{"$schema": "https://example.com/meta", "type": "object"}); !errors.Is(err, profile.ErrRemoteRef) {
		t.Errorf("custom $schema: err = %v, want ErrRemoteRef", err)
	}
	// The standard meta-schema is built in.
	if _, err := profile.Compile(model.Schema{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}); err != nil {
		t.Errorf("standard $schema: %v", err)
	}
}

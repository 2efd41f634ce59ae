package profile_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/codec"
	"github.com/portico-dev/portico/internal/endpoint/profile"
)

// FuzzValidate feeds decoded request bodies to a profile: Validate never
// panics, and every violation points at a value the document holds (a
// missing property's pointer names it under an object that exists).
func FuzzValidate(f *testing.F) {
	p, err := profile.Compile(customer)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`{}`, `{"email":"a@b.co","name":"x"}`, `{"tags":[1,"a",{}]}`, `{"a/b":1,"addr":{"zip":5}}`, `[]`, `null`, `{"age":1e300}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := codec.DecodeJSON(data)
		if err != nil {
			return
		}
		err = p.Validate(doc)
		if err == nil {
			return
		}
		var ve *profile.ValidationError
		if !errors.As(err, &ve) || len(ve.Violations) == 0 {
			t.Fatalf("Validate = %v, want violations", err)
		}
		for _, v := range ve.Violations {
			ptr := v.Pointer
			if v.Message == "is required" {
				ptr = ptr[:strings.LastIndexByte(ptr, '/')]
			}
			if !resolves(doc, ptr) {
				t.Fatalf("pointer %q (%s) is not in %s", v.Pointer, v.Message, data)
			}
		}
	})
}

func resolves(v any, ptr string) bool {
	if ptr == "" {
		return true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	return true
}

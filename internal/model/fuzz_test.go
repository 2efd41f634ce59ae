package model_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

// FuzzComponentJSON checks that decoding any bytes never panics, that what
// decodes is a ValidationError or a component whose JSON decodes back to the
// same content hash, and that validation never panics either.
func FuzzComponentJSON(f *testing.F) {
	for _, c := range sampleComponents() {
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"kind":"api","spec":null}`,
		`{"kind":"process","name":"p","spec":{"steps":[{"decide":{"if":"x","then":[{"decide":{"if":"y","then":[]}}]}}]}}`,
		`{"kind":"connection","name":"c","spec":{"type":"http","http":{"baseURL":"http://h","timeout":"-1s"}}}`,
		`{"kind":"process","name":"p","spec":{"input":{"a":1e308,"b":[null,true,"x"]},"steps":[{"return":{"status":200}}]}}`,
		`{"kind":"api","name":"a","labels":{"x":"y"},"spec":{"basePath":"a/b","version":"v1","endpoints":[{"method":"GET","path":"/{id}","process":"p"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c model.Component
		if err := json.Unmarshal(data, &c); err != nil {
			var ve *model.ValidationError
			var se *json.SyntaxError
			if !errors.As(err, &ve) && !errors.As(err, &se) {
				t.Fatalf("error %T %v is neither a ValidationError nor a syntax error", err, err)
			}
			return
		}
		verr := c.Validate()
		_ = c.Spec.References()
		h1, err := c.ContentHash()
		if err != nil {
			t.Fatalf("ContentHash: %v", err)
		}
		b, err := json.Marshal(&c)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var back model.Component
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", b, err)
		}
		h2, err := back.ContentHash()
		if err != nil {
			t.Fatal(err)
		}
		if h1 != h2 {
			t.Fatalf("hash changed over a round trip: %s → %s", data, b)
		}
		if (verr == nil) != (back.Validate() == nil) {
			t.Fatalf("validity changed over a round trip: %v vs %v", verr, back.Validate())
		}
	})
}

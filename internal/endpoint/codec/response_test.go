package codec_test

import (
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/codec"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	obj := map[string]any{"a": "<b>"}
	cases := []struct {
		name    string
		typ     string
		docs    []any
		asArray bool
		body    string
		ct      string
		wantErr bool
	}{
		{"json one document as is", codec.JSON, []any{obj}, false, `{"a":"<b>"}` + "\n", "application/json", false},
		{"json one document as array", codec.JSON, []any{obj}, true, `[{"a":"<b>"}]` + "\n", "application/json", false},
		{"json several", codec.JSON, []any{1, 2}, false, "[1,2]\n", "application/json", false},
		{"json none", codec.JSON, nil, false, "[]\n", "application/json", false},
		{"multijson one", codec.MultiJSON, []any{obj}, false, `[{"a":"<b>"}]` + "\n", "application/json", false},
		{"text first document", codec.Text, []any{"hi", "there"}, false, "hi", "text/plain; charset=utf-8", false},
		{"text of an object", codec.Text, []any{obj}, false, `{"a":"<b>"}` + "\n", "text/plain; charset=utf-8", false},
		{"xml empty", codec.XML, nil, false, "", "application/xml; charset=utf-8", false},
		{"binary", codec.Binary, []any{"aGk="}, false, "hi", "application/octet-stream", false},
		{"binary not base64", codec.Binary, []any{"%%%"}, false, "", "", true},
		{"binary not a string", codec.Binary, []any{1}, false, "", "", true},
		{"none", codec.None, []any{obj}, false, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			body, ct, err := codec.Encode(c.typ, c.docs, c.asArray)
			if c.wantErr {
				if err == nil {
					t.Fatalf("Encode = %q, want an error", body)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != c.body || ct != c.ct {
				t.Errorf("Encode = %q, %q; want %q, %q", body, ct, c.body, c.ct)
			}
		})
	}
}

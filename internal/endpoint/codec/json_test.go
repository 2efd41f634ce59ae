package codec_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/endpoint/codec"
)

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     string
		want   any
		offset int64 // -1: no error
	}{
		{"object", `{"a":1,"b":[2.5,true,null,"x"]}`, map[string]any{"a": 1, "b": []any{2.5, true, nil, "x"}}, -1},
		{"integral float stays float", `1.0`, 1.0, -1},
		{"exponent", `1e3`, 1000.0, -1},
		{"max int64", `9223372036854775807`, math.MaxInt64, -1},
		{"beyond int64 becomes float64", `9223372036854775808`, 9223372036854775808.0, -1},
		{"negative", `-42`, -42, -1},
		{"white space around", " \n[1]\t ", []any{1}, -1},
		{"nested numbers", `{"a":{"b":[{"c":3}]}}`, map[string]any{"a": map[string]any{"b": []any{map[string]any{"c": 3}}}}, -1},
		{"out of range", `[1e400]`, nil, 7},
		{"syntax", `{"a":}`, nil, 5},
		{"trailing data", `{} x`, nil, 3},
		{"second document", `1 2`, nil, 2},
		{"truncated", `{"a":[1,`, nil, 8},
		{"empty", ``, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := codec.DecodeJSON([]byte(c.in))
			if c.offset >= 0 {
				var se *codec.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a SyntaxError", err)
				}
				if se.Offset != c.offset {
					t.Errorf("offset = %d, want %d (%v)", se.Offset, c.offset, se)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzDecodeBody checks that the request decoder accepts exactly the valid
// JSON documents (bar numbers beyond float64), never holds a json.Number,
// and that what it returns encodes back to the same value.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2.5,"x",null,true]}`, `1e400`, `"\u00e9"`, `{"a":1} {}`, `[`, `-0`, `12345678901234567890`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := codec.DecodeJSON(data)
		valid := json.Valid(data)
		if err != nil {
			var se *codec.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside the %d-byte body", se.Offset, len(data))
			}
			if valid {
				// Only a number float64 cannot hold may fail a valid document.
				var probe any
				if json.Unmarshal(data, &probe) == nil {
					t.Fatalf("valid JSON %q refused: %v", data, err)
				}
			}
			return
		}
		if !valid {
			t.Fatalf("invalid JSON %q accepted as %#v", data, v)
		}
		checkTypes(t, v)
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
		var a, b any
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(a, b) {
			t.Fatalf("round trip changed %q into %s", data, out)
		}
	})
}

func checkTypes(t *testing.T, v any) {
	switch x := v.(type) {
	case nil, bool, int, float64, string:
	case []any:
		for _, e := range x {
			checkTypes(t, e)
		}
	case map[string]any:
		for _, e := range x {
			checkTypes(t, e)
		}
	default:
		t.Fatalf("decoded a %T, which the engine does not expect", v)
	}
}

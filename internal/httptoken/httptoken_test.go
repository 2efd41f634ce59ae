package httptoken

import "testing"

func TestEqualFold(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"chunked", "chunked", true},
		{"Chunked", "chunked", true},
		{"KEEP-ALIVE", "keep-alive", true},
		{"text/Event-Stream", "text/event-stream", true},
		{"chun\u212aed", "chunked", false}, // the Kelvin sign folds to k in Unicode only
		{"clo\u017fe", "close", false},     // so does the long s to s
		{"chunke", "chunked", false},
		{"chunked ", "chunked", false},
		{"", "", true},
		{"[", "{", false}, // bytes 0x20 apart that are not letters
	} {
		if got := EqualFold(c.a, c.b); got != c.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

package model

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration written as a Go duration string ("30s", "1m30s").
type Duration time.Duration

// MarshalText writes the duration as "1m30s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (want e.g. 500ms, 30s, 5m)", b)
	}
	*d = Duration(v)
	return nil
}

// Std returns the standard library value.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Secret is a credential inside a spec (password, token, DSN). It never prints
// itself through fmt; storage and the API decide when its value may leave.
type Secret string

// String redacts the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "******"
}

// GoString redacts the value in %#v too.
func (s Secret) GoString() string { return `model.Secret("******")` }

// Reveal returns the clear value; call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// Schema is a profile: a JSON Schema document (the documented subset is
// checked by the runtime's profile compiler).
type Schema map[string]any

// canonicalJSON returns v marshalled with object keys sorted, which
// encoding/json guarantees for maps and struct field order for structs.
func canonicalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// Round-trip through any so that embedded raw documents are normalised too.
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	return json.Marshal(generic)
}

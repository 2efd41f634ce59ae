package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Spec is the typed specification of one component kind.
type Spec interface {
	// Kind is the component kind this spec belongs to.
	Kind() Kind
	// Validate checks the spec alone; paths in errors start with "spec".
	Validate() error
	// References lists the components this spec uses, in a stable order.
	References() []Ref
}

// NewSpec returns an empty spec of kind k.
func NewSpec(k Kind) (Spec, error) {
	switch k {
	case KindConnection:
		return &ConnectionSpec{}, nil
	case KindProcess:
		return &ProcessSpec{}, nil
	case KindAPI:
		return &APISpec{}, nil
	case KindProxy:
		return &ProxySpec{}, nil
	}
	return nil, fmt.Errorf("%w: unknown component kind %q", ErrInvalid, k)
}

// DecodeSpec decodes a JSON spec of kind k, refusing unknown fields.
func DecodeSpec(k Kind, raw []byte) (Spec, error) {
	s, err := NewSpec(k)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, Invalidf("spec", "is required")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return nil, Invalidf("spec", "%v", err)
	}
	if dec.More() {
		return nil, Invalidf("spec", "trailing data after the spec object")
	}
	return s, nil
}

// Component is one saved component: its identity, its spec, and the revision
// the store gave it.
type Component struct {
	Kind        Kind              `json:"kind"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Spec        Spec              `json:"spec"`

	// Set by the store.
	Revision  int       `json:"revision,omitempty"`
	Hash      string    `json:"hash,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
}

// Ref returns the component's reference.
func (c *Component) Ref() Ref { return Ref{Kind: c.Kind, Name: c.Name} }

// UnmarshalJSON decodes the spec by the component's kind, refusing unknown
// fields at every level.
func (c *Component) UnmarshalJSON(b []byte) error {
	type envelope struct {
		Kind        string            `json:"kind"`
		Name        string            `json:"name"`
		Description string            `json:"description,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Spec        json.RawMessage   `json:"spec"`
		Revision    int               `json:"revision,omitempty"`
		Hash        string            `json:"hash,omitempty"`
		CreatedAt   time.Time         `json:"createdAt,omitzero"`
		UpdatedAt   time.Time         `json:"updatedAt,omitzero"`
		UpdatedBy   string            `json:"updatedBy,omitempty"`
	}
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Invalidf("", "%v", err)
	}
	k, err := ParseKind(e.Kind)
	if err != nil {
		return Invalidf("kind", "unknown kind %q (want connection, process, api or proxy)", e.Kind)
	}
	spec, err := DecodeSpec(k, e.Spec)
	if err != nil {
		return err
	}
	*c = Component{
		Kind: k, Name: e.Name, Description: e.Description, Labels: e.Labels, Spec: spec,
		Revision: e.Revision, Hash: e.Hash, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, UpdatedBy: e.UpdatedBy,
	}
	return nil
}

// Validate checks identity and spec, returning every problem found.
func (c *Component) Validate() error {
	var e errs
	if !c.Kind.Valid() {
		e.add("kind", "unknown kind %q (want connection, process, api or proxy)", c.Kind)
	}
	if !ValidName(c.Name) {
		e.add("name", "%q is not a valid name (a letter, then letters, digits, '_', '.' or '-'; at most 128)", c.Name)
	}
	if len(c.Description) > 4096 {
		e.add("description", "longer than 4096 characters")
	}
	for k, v := range c.Labels {
		if !ValidName(k) || len(v) > 256 {
			e.add("labels."+k, "invalid label (name like a component name, value at most 256 characters)")
		}
	}
	switch {
	case c.Spec == nil:
		e.add("spec", "is required")
	case c.Kind.Valid() && c.Spec.Kind() != c.Kind:
		e.add("spec", "is a %s spec, not a %s spec", c.Spec.Kind(), c.Kind)
	default:
		e.merge("spec", c.Spec.Validate())
	}
	return e.err()
}

// ContentHash is the SHA-256 of the component's canonical content (kind, name,
// description, labels and spec); identical content gives identical hashes, so
// applying it again makes no new revision.
func (c *Component) ContentHash() (string, error) {
	b, err := c.CanonicalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// CanonicalJSON is the stored form of the component's content.
func (c *Component) CanonicalJSON() ([]byte, error) {
	return canonicalJSON(struct {
		Kind        Kind              `json:"kind"`
		Name        string            `json:"name"`
		Description string            `json:"description,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Spec        Spec              `json:"spec"`
	}{c.Kind, c.Name, c.Description, c.Labels, c.Spec})
}

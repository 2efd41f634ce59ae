package model

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Package is an immutable release of a root component: the exact revisions of
// the root and of everything it references, pinned under a version label.
type Package struct {
	ID         string           `json:"id"`
	Component  Ref              `json:"component"`
	Version    string           `json:"version"`
	Notes      string           `json:"notes,omitempty"`
	Revision   int              `json:"revision"`             // the root's pinned revision
	BasePath   string           `json:"basePath,omitempty"`   // api and proxy roots
	APIVersion string           `json:"apiVersion,omitempty"` // api and proxy roots: spec.version
	Contents   []PinnedRevision `json:"contents"`
	CreatedAt  time.Time        `json:"createdAt"`
	CreatedBy  string           `json:"createdBy,omitempty"`
}

// PinnedRevision is one component revision held by a package.
type PinnedRevision struct {
	Kind     Kind   `json:"kind"`
	Name     string `json:"name"`
	Revision int    `json:"revision"`
	Hash     string `json:"hash"`
}

// Slot identifies what a deployment of this package replaces in an
// environment: the same root component and, for APIs and proxies, the same
// API version. Different API versions of one API live side by side.
func (p *Package) Slot() string {
	return p.Component.String() + "@" + p.APIVersion
}

// ValidatePackageRequest checks what a user supplies to create a package.
func ValidatePackageRequest(root Ref, version, notes string) error {
	var e errs
	if !root.Kind.IsRoot() {
		e.add("component.kind", "%q cannot be packaged (want api, proxy or process)", root.Kind)
	}
	if !ValidName(root.Name) {
		e.add("component.name", "%q is not a valid name", root.Name)
	}
	if !ValidPackageVersion(version) {
		e.add("version", "%q is not a valid package version (e.g. 1.2.0)", version)
	}
	if len(notes) > 16384 {
		e.add("notes", "longer than 16384 characters")
	}
	return e.err()
}

// ResolvePackage walks the references of root transitively, looking each one
// up with lookup, and returns root followed by every component it needs, each
// once. Every missing reference is reported in one error that names it and
// who refers to it; lookup must wrap ErrNotFound for a missing component.
func ResolvePackage(root *Component, lookup func(Ref) (*Component, error)) ([]*Component, error) {
	out := []*Component{root}
	seen := map[Ref]bool{root.Ref(): true}
	var missing []string
	for i := 0; i < len(out); i++ {
		from := out[i]
		for _, ref := range from.Spec.References() {
			if seen[ref] {
				continue
			}
			seen[ref] = true
			c, err := lookup(ref)
			if errors.Is(err, ErrNotFound) {
				missing = append(missing, fmt.Sprintf("%s (referenced by %s)", ref, from.Ref()))
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("resolve %s: %w", ref, err)
			}
			out = append(out, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing reference: %s", ErrInvalid, strings.Join(missing, ", "))
	}
	return out, nil
}

package model

import (
	"fmt"
	"strings"
)

// Kind is the kind of a component.
type Kind string

// The component kinds.
const (
	KindConnection Kind = "connection"
	KindProcess    Kind = "process"
	KindAPI        Kind = "api"
	KindProxy      Kind = "proxy"
)

// Kinds lists every component kind in the order they are usually applied
// (dependencies first).
var Kinds = []Kind{KindConnection, KindProcess, KindAPI, KindProxy}

// ParseKind accepts a kind in any case and in the plural the CLI allows
// ("API", "apis", "Process"), and returns its canonical form.
func ParseKind(s string) (Kind, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "connection", "connections", "conn":
		return KindConnection, nil
	case "process", "processes", "proc":
		return KindProcess, nil
	case "api", "apis":
		return KindAPI, nil
	case "proxy", "proxies":
		return KindProxy, nil
	}
	return "", fmt.Errorf("%w: unknown component kind %q (want connection, process, api or proxy)", ErrInvalid, s)
}

// Valid reports whether k is one of the component kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindConnection, KindProcess, KindAPI, KindProxy:
		return true
	}
	return false
}

// IsRoot reports whether components of kind k can be packaged and deployed.
func (k Kind) IsRoot() bool { return k == KindAPI || k == KindProxy || k == KindProcess }

// Title is the kind as written in YAML documents ("API", "Connection").
func (k Kind) Title() string {
	switch k {
	case KindAPI:
		return "API"
	case "":
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// Ref names one component.
type Ref struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
}

// String writes the reference as kind/name.
func (r Ref) String() string { return string(r.Kind) + "/" + r.Name }

// ParseRef reads "kind/name" (e.g. "api/erp").
func ParseRef(s string) (Ref, error) {
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Ref{}, fmt.Errorf("%w: %q is not kind/name", ErrInvalid, s)
	}
	kind, err := ParseKind(k)
	if err != nil {
		return Ref{}, err
	}
	if !ValidName(n) {
		return Ref{}, fmt.Errorf("%w: invalid name %q", ErrInvalid, n)
	}
	return Ref{Kind: kind, Name: n}, nil
}

package policy

import (
	"context"
	"slices"
)

// Principal is the authenticated caller of one request. A consumer's
// principal is built once per snapshot and shared by its requests: never
// modify one.
type Principal struct {
	// Name is the consumer's name, or the JWT user of a caller who is not
	// a consumer.
	Name string
	// Roles are the consumer's roles plus, for JWT, the token's roles.
	Roles []string
	// Consumer is the matching consumer; nil for anonymous callers and
	// for JWT callers unknown as consumers.
	Consumer *Consumer
	// Application is set when an application's API key authenticated the
	// caller (Name is then the application's): its plan decides what the
	// key may do, so the key travels on to the plan's check.
	Application string
}

// HasRole reports whether the principal holds one of roles.
func (p *Principal) HasRole(roles []string) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of a request, nil when anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

type listenerKey struct{}

// WithListener returns ctx naming the listener a connection arrived on; the
// runtime sets it on every connection of its listeners ("" is the default
// --gateway-listen listener).
func WithListener(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, listenerKey{}, name)
}

// ListenerFrom names the listener of a request ("" for the default one).
func ListenerFrom(ctx context.Context) string {
	s, _ := ctx.Value(listenerKey{}).(string)
	return s
}

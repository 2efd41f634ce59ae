package query

import (
	"net/http"
	"net/url"
	"strings"
)

// Kind is what a resource path addresses.
type Kind uint8

// Kinds of resource paths.
const (
	KService    Kind = iota // the service document
	KMetadata               // $metadata
	KCollection             // an entity set or a collection-valued navigation
	KEntity                 // one entity
	KProperty               // a property of one entity (Value: its raw /$value)
	KCount                  // /$count of a collection
)

// Path is a parsed resource path, relative to the service root.
type Path struct {
	Kind Kind
	// Set and Key address the first segment; Key is nil for the whole set.
	Set *EntitySet
	Key []any
	// Nav follows a navigation property from Set(Key); NavKey picks one
	// entity of a collection-valued one.
	Nav    *Nav
	NavKey []any
	Prop   *Property
	Value  bool
}

// Target is the entity set the path's entities belong to.
func (p *Path) Target() *EntitySet {
	if p.Nav != nil {
		return p.Nav.Target
	}
	return p.Set
}

// ParsePath parses the escaped path below the service root ("" for the
// service document, "Customers(1)/Orders").
func ParsePath(escaped string, svc *Service) (*Path, error) {
	if escaped == "" {
		return &Path{Kind: KService}, nil
	}
	raw := strings.Split(escaped, "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, Errorf(CodeSyntax, s, "malformed escape in the path")
		}
		segs[i] = u
	}
	if segs[len(segs)-1] == "" { // a trailing slash
		segs = segs[:len(segs)-1]
	}
	switch segs[0] {
	case "$metadata":
		if len(segs) > 1 {
			return nil, notFound(escaped)
		}
		return &Path{Kind: KMetadata}, nil
	case "$batch", "$all", "$crossjoin", "$entity", "$root":
		return nil, NotImplemented(segs[0], "the resource %s", segs[0])
	}
	name, key, hasKey, err := splitKey(segs[0])
	if err != nil {
		return nil, err
	}
	set := svc.Set(name)
	if set == nil {
		return nil, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Target: name, Message: "no entity set named " + name}
	}
	p := &Path{Kind: KCollection, Set: set}
	if hasKey {
		if p.Key, err = parseKey(key, set); err != nil {
			return nil, err
		}
		p.Kind = KEntity
	}
	rest := segs[1:]
	if len(rest) > 0 && p.Kind == KEntity {
		name, key, hasKey, err := splitKey(rest[0])
		if err != nil {
			return nil, err
		}
		if nav := set.Nav(name); nav != nil {
			p.Nav = nav
			rest = rest[1:]
			switch {
			case hasKey && !nav.Many:
				return nil, Errorf(CodeBadRequest, name, "%s is a single entity: it takes no key", name)
			case hasKey:
				if p.NavKey, err = parseKey(key, nav.Target); err != nil {
					return nil, err
				}
			case nav.Many:
				p.Kind = KCollection
			}
		}
	}
	if len(rest) == 0 {
		return p, nil
	}
	seg := rest[0]
	switch {
	case seg == "$count" && len(rest) == 1 && p.Kind == KCollection:
		p.Kind = KCount
		return p, nil
	case seg == "$ref" || seg == "$value" || strings.HasPrefix(seg, "$"):
		if seg == "$count" {
			return nil, Errorf(CodeBadRequest, seg, "$count follows a collection")
		}
		return nil, NotImplemented(seg, "the path segment %s here", seg)
	case p.Kind != KEntity:
		return nil, Errorf(CodeBadRequest, seg, "a collection has no property %q: address one entity by its key first", seg)
	}
	prop := p.Target().Property(seg)
	if prop == nil {
		if strings.Contains(seg, ".") {
			return nil, NotImplemented(seg, "type casts and bound operations in the path")
		}
		if p.Target().Nav(seg) != nil {
			return nil, NotImplemented(seg, "navigating more than one navigation property")
		}
		return nil, &Error{Status: http.StatusNotFound, Code: CodeUnknown, Target: seg, Message: p.Target().Name + " has no property " + seg}
	}
	p.Kind, p.Prop = KProperty, prop
	switch {
	case len(rest) == 1:
		return p, nil
	case len(rest) == 2 && rest[1] == "$value":
		p.Value = true
		return p, nil
	}
	return nil, NotImplemented(rest[1], "the path segment %s after a property", rest[1])
}

func notFound(path string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Target: path, Message: "no resource at " + path}
}

// splitKey splits "Name(key)" into its name and key text.
func splitKey(seg string) (name, key string, hasKey bool, err error) {
	i := strings.IndexByte(seg, '(')
	if i < 0 {
		return seg, "", false, nil
	}
	if !strings.HasSuffix(seg, ")") {
		return "", "", false, Errorf(CodeSyntax, seg, "a key predicate ends with ')'")
	}
	return seg[:i], seg[i+1 : len(seg)-1], true, nil
}

// parseKey parses a key predicate's text: "1", "'A1'" or
// "orderId=1,lineNo=2", into values in the set's key order.
func parseKey(text string, set *EntitySet) ([]any, error) {
	target := set.Name + "(" + text + ")"
	lx, err := newLexer(text, target)
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(set.Key))
	got := make([]bool, len(set.Key))
	for n := 0; ; n++ {
		idx := 0
		if lx.tok.kind == tIdent && lx.tok.text != "null" && lx.tok.text != "true" && lx.tok.text != "false" {
			name := lx.tok.text
			idx = -1
			for i, k := range set.Key {
				if k.Name == name {
					idx = i
				}
			}
			if idx < 0 {
				return nil, Errorf(CodeUnknown, target, "%s is not a key property of %s", name, set.Name)
			}
			if err := lx.next(); err != nil {
				return nil, err
			}
			if lx.tok.kind != tEquals {
				return nil, syntaxAt(target, lx.tok.pos, "expected '=' after %s", name)
			}
			if err := lx.next(); err != nil {
				return nil, err
			}
		} else if len(set.Key) != 1 || n > 0 {
			return nil, Errorf(CodeBadRequest, target, "%s has a key of %d properties: name each one, as in %s", set.Name, len(set.Key), keyExample(set))
		}
		if lx.tok.kind == tMinus {
			return nil, syntaxAt(target, lx.tok.pos, "unexpected '-'")
		}
		lit, err := literal(lx.tok, target)
		if err != nil {
			return nil, err
		}
		if got[idx] {
			return nil, Errorf(CodeBadRequest, target, "key property %s is given twice", set.Key[idx].Name)
		}
		v, err := Coerce(lit, set.Key[idx])
		if err != nil {
			return nil, Errorf(CodeType, target, "%v", err)
		}
		vals[idx], got[idx] = v, true
		if err := lx.next(); err != nil {
			return nil, err
		}
		if lx.tok.kind == tComma {
			if err := lx.next(); err != nil {
				return nil, err
			}
			continue
		}
		if lx.tok.kind != tEOF {
			return nil, syntaxAt(target, lx.tok.pos, "unexpected %q in the key", lx.tok.text)
		}
		break
	}
	for i, ok := range got {
		if !ok {
			return nil, Errorf(CodeBadRequest, target, "key property %s is missing, as in %s", set.Key[i].Name, keyExample(set))
		}
	}
	return vals, nil
}

func keyExample(set *EntitySet) string {
	parts := make([]string, len(set.Key))
	for i, k := range set.Key {
		parts[i] = k.Name + "=…"
	}
	return set.Name + "(" + strings.Join(parts, ",") + ")"
}

// Coerce converts a literal to the value bound for property p, or says
// why it does not fit.
func Coerce(lit *Literal, p *Property) (any, error) {
	if lit.T == TNull {
		return nil, nil
	}
	ok := lit.T == p.Type
	v := lit.Value
	switch {
	case p.Type == TDecimal && lit.T == TInt, p.Type == TDouble && lit.T == TInt:
		v, ok = float64(lit.Value.(int64)), true
	case p.Type == TDouble && lit.T == TDecimal:
		ok = true
	}
	if !ok {
		return nil, &typeError{prop: p.Name, want: p.Edm, got: lit.T}
	}
	return v, nil
}

type typeError struct {
	prop string
	want string
	got  Type
}

func (e *typeError) Error() string {
	return e.prop + " is " + e.want + ", not " + e.got.String()
}

package query

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Query is the parsed system query options of a request on an entity
// collection (or, with fewer options, a single entity).
type Query struct {
	Filter Expr
	// Select lists the selected properties; nil selects all.
	Select  []*Property
	OrderBy []Order
	// Top is -1 when $top is absent.
	Top  int
	Skip int
	// Count asks for @odata.count ($count=true).
	Count  bool
	Expand []*Expand
	// SkipToken is the offset a nextLink continues from (our $skiptoken).
	SkipToken int
}

// Order is one key of $orderby.
type Order struct {
	Expr Expr
	Desc bool
}

// Expand is one expanded navigation property with its nested options.
type Expand struct {
	Nav   *Nav
	Query *Query
}

// Options tune the parsing of query options.
type Options struct {
	// MaxExpandDepth bounds nested $expand.
	MaxExpandDepth int
	// Now is the value of now() (time.Now when zero).
	Now time.Time
}

// knownOptions are the system query options of OData 4.01; those not
// handled here answer 501.
var knownOptions = map[string]bool{
	"$filter": true, "$select": true, "$orderby": true, "$top": true, "$skip": true, "$count": true,
	"$expand": true, "$format": true, "$skiptoken": true,
	"$search": false, "$apply": false, "$compute": false, "$levels": false, "$index": false,
	"$schemaversion": false, "$deltatoken": false, "$id": false,
}

// ParseOptions parses the system query options of raw (a URL query) for
// set. Custom options (without '$') are ignored, as OData asks.
func ParseOptions(raw url.Values, set *EntitySet, o Options) (*Query, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	opts := map[string]string{}
	for k, vs := range raw {
		if strings.HasPrefix(k, "@") {
			return nil, NotImplemented(k, "parameter aliases")
		}
		name := strings.ToLower(k)
		if !strings.HasPrefix(k, "$") {
			// OData 4.01 allows system options without '$': ignoring
			// "filter=" would answer every entity. Other options are
			// custom ones, the service's to ignore.
			if _, known := knownOptions["$"+name]; !known {
				continue
			}
			name = "$" + name
		}
		supported, known := knownOptions[name]
		if !known {
			return nil, Errorf(CodeBadRequest, k, "unknown system query option %s", k)
		}
		if !supported {
			return nil, NotImplemented(k, "the query option %s", k)
		}
		if len(vs) > 1 {
			return nil, Errorf(CodeBadRequest, k, "%s is given more than once", k)
		}
		if _, dup := opts[name]; dup {
			return nil, Errorf(CodeBadRequest, k, "%s is given more than once", k)
		}
		opts[name] = vs[0]
	}
	return parseQuery(opts, set, o, 0)
}

// parseQuery parses options already split by name (lower-cased, with '$').
func parseQuery(opts map[string]string, set *EntitySet, o Options, depth int) (*Query, error) {
	q := &Query{Top: -1}
	var err error
	if v, ok := opts["$format"]; ok {
		f := strings.ToLower(strings.TrimSpace(v))
		if f != "json" && !strings.HasPrefix(f, "application/json") {
			return nil, NotImplemented("$format", "the format %q (only json)", v)
		}
	}
	if v, ok := opts["$filter"]; ok {
		if q.Filter, err = parseBoolean(v, "$filter", set, o.Now); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$select"]; ok {
		if q.Select, err = parseSelect(v, set); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$orderby"]; ok {
		if q.OrderBy, err = parseOrderBy(v, set, o.Now); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$top"]; ok {
		if q.Top, err = nonNegative("$top", v); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$skip"]; ok {
		if q.Skip, err = nonNegative("$skip", v); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$skiptoken"]; ok {
		if q.SkipToken, err = nonNegative("$skiptoken", v); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["$count"]; ok {
		switch v {
		case "true":
			q.Count = true
		case "false":
		default:
			return nil, Errorf(CodeBadRequest, "$count", "must be true or false, not %q", v)
		}
	}
	if v, ok := opts["$expand"]; ok {
		if q.Expand, err = parseExpand(v, set, o, depth+1); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func nonNegative(target, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, Errorf(CodeBadRequest, target, "must be a non-negative integer, not %q", v)
	}
	return n, nil
}

func parseSelect(v string, set *EntitySet) ([]*Property, error) {
	var out []*Property
	seen := map[*Property]bool{}
	for _, item := range strings.Split(v, ",") {
		name := strings.TrimSpace(item)
		switch {
		case name == "*":
			return nil, nil
		case name == "":
			return nil, Errorf(CodeSyntax, "$select", "empty item in %q", v)
		case strings.ContainsAny(name, "/.()"):
			return nil, NotImplemented("$select", "the select item %q (paths, casts, qualified names)", name)
		}
		p := set.Property(name)
		if p == nil {
			if set.Nav(name) != nil {
				return nil, NotImplemented("$select", "selecting the navigation property %s (use $expand)", name)
			}
			return nil, Errorf(CodeUnknown, "$select", "%s has no property %q", set.Name, name)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

func parseOrderBy(v string, set *EntitySet, now time.Time) ([]Order, error) {
	lx, err := newLexer(v, "$orderby")
	if err != nil {
		return nil, err
	}
	p := &parser{lx: lx, set: set, now: now}
	var out []Order
	for {
		e, err := p.expr(precOr)
		if err != nil {
			return nil, err
		}
		if e.Type() == TNull {
			return nil, Errorf(CodeType, "$orderby", "cannot order by null (position %d)", e.Pos())
		}
		o := Order{Expr: e}
		if t := p.lx.tok; t.kind == tIdent && (t.text == "asc" || t.text == "desc") {
			o.Desc = t.text == "desc"
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		out = append(out, o)
		switch p.lx.tok.kind {
		case tComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		case tEOF:
			return out, nil
		}
		return nil, syntaxAt("$orderby", p.lx.tok.pos, "expected ',', asc or desc, not %q", p.lx.tok.text)
	}
}

// splitTop splits s at sep outside parentheses and string literals.
func splitTop(s string, sep byte) ([]string, bool) {
	var parts []string
	depth, start := 0, 0
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			if c == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
				} else {
					inString = false
				}
			}
		case c == '\'':
			inString = true
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return nil, false
			}
		case c == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if depth != 0 || inString {
		return nil, false
	}
	return append(parts, s[start:]), true
}

func parseExpand(v string, set *EntitySet, o Options, depth int) ([]*Expand, error) {
	if depth > o.MaxExpandDepth {
		return nil, Errorf(CodeLimit, "$expand", "$expand nests deeper than %d levels", o.MaxExpandDepth)
	}
	items, ok := splitTop(v, ',')
	if !ok {
		return nil, Errorf(CodeSyntax, "$expand", "unbalanced parentheses or quotes in %q", v)
	}
	var out []*Expand
	seen := map[string]bool{}
	for _, item := range items {
		item = strings.TrimSpace(item)
		name, rest, nested := strings.Cut(item, "(")
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			return nil, Errorf(CodeSyntax, "$expand", "empty item in %q", v)
		case name == "*" || strings.Contains(name, "/") || strings.Contains(name, "."):
			return nil, NotImplemented("$expand", "the expand item %q (*, $ref, paths, casts)", name)
		}
		nav := set.Nav(name)
		if nav == nil {
			if set.Property(name) != nil {
				return nil, Errorf(CodeBadRequest, "$expand", "%s is not a navigation property", name)
			}
			return nil, Errorf(CodeUnknown, "$expand", "%s has no navigation property %q", set.Name, name)
		}
		if seen[name] {
			return nil, Errorf(CodeBadRequest, "$expand", "%s is expanded twice", name)
		}
		seen[name] = true
		opts := map[string]string{}
		if nested {
			if !strings.HasSuffix(rest, ")") {
				return nil, Errorf(CodeSyntax, "$expand", "expected ')' at the end of %q", item)
			}
			parts, ok := splitTop(rest[:len(rest)-1], ';')
			if !ok {
				return nil, Errorf(CodeSyntax, "$expand", "unbalanced parentheses or quotes in %q", item)
			}
			for _, part := range parts {
				if strings.TrimSpace(part) == "" {
					continue
				}
				k, val, ok := strings.Cut(part, "=")
				k = strings.ToLower(strings.TrimSpace(k))
				if !ok {
					return nil, Errorf(CodeSyntax, "$expand", "expected option=value in %q", part)
				}
				switch k {
				case "$filter", "$select", "$orderby", "$top", "$skip", "$expand":
				case "$count", "$levels", "$search", "$compute", "$apply":
					return nil, NotImplemented("$expand", "%s inside $expand", k)
				default:
					return nil, Errorf(CodeBadRequest, "$expand", "%s is not an option of an expanded property", k)
				}
				if _, dup := opts[k]; dup {
					return nil, Errorf(CodeBadRequest, "$expand", "%s is given twice for %s", k, name)
				}
				opts[k] = val
			}
		}
		if !nav.Many {
			for _, k := range []string{"$filter", "$orderby", "$top", "$skip"} {
				if _, ok := opts[k]; ok {
					return nil, Errorf(CodeBadRequest, "$expand", "%s applies to a collection; %s is a single entity", k, name)
				}
			}
		}
		q, err := parseQuery(opts, nav.Target, o, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, &Expand{Nav: nav, Query: q})
	}
	return out, nil
}

// SplitQuery splits a raw URL query on '&' only: OData's $expand uses ';'
// between nested options, which net/url refuses as a separator and
// would drop with its pair.
func SplitQuery(raw string) (url.Values, error) {
	vals := url.Values{}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, Errorf(CodeSyntax, k, "malformed escape in the query")
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, Errorf(CodeSyntax, key, "malformed escape in the value of %s", key)
		}
		vals[key] = append(vals[key], val)
	}
	return vals, nil
}

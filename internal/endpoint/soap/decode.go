package soap

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/spec/wsdl"
)

// decodeOperation turns the operation element into the process's
// documents and the parameters' properties. Children may come in any order;
// each must be a parameter, the body element or a field of the request
// document, in the service's namespace (or none). Values of the wrong type
// are refused naming the element.
func (a *API) decodeOperation(op *wsdl.Operation, el *node, props map[string]any) ([]any, error) {
	var fields map[string]any
	var doc any
	haveDoc := false
	inline := op.Request != nil && op.Body == ""
	if inline {
		fields = map[string]any{}
	}
	seen := map[string]bool{}
	for _, c := range el.children {
		if c.space != a.svc.Namespace && c.space != "" {
			return nil, clientf("element %s is not in the service namespace %s", qname(c), a.svc.Namespace)
		}
		path := op.Name + "/" + c.local
		if p := param(op, c.local); p != nil {
			if seen[c.local] {
				return nil, clientf("element %s appears more than once", path)
			}
			seen[c.local] = true
			v, err := scalar(p.Kind, c, path)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if p.Text {
				v = strings.TrimSpace(c.text)
			}
			props[p.Property] = v
			continue
		}
		switch {
		case op.Request != nil && op.Body != "" && c.local == op.Body:
			if haveDoc {
				return nil, clientf("element %s appears more than once", path)
			}
			v, err := value(&wsdl.Field{Name: op.Body, Type: op.Request, Nillable: true}, c, path)
			if err != nil {
				return nil, err
			}
			doc, haveDoc = v, true
		case inline && op.Request.Field(c.local) != nil:
			if err := addField(fields, op.Request.Field(c.local), c, path); err != nil {
				return nil, err
			}
		default:
			return nil, clientf("element %s is not part of operation %s", c.local, op.Name)
		}
	}
	for _, p := range op.Params {
		if p.Required && !seen[p.Name] {
			return nil, clientf("element %s/%s is required", op.Name, p.Name)
		}
	}
	switch {
	case inline:
		return []any{fields}, nil
	case op.Request != nil && !haveDoc:
		return nil, clientf("element %s/%s is required", op.Name, op.Body)
	case op.Request != nil:
		return []any{doc}, nil
	}
	return nil, nil
}

func param(op *wsdl.Operation, name string) *wsdl.Param {
	for _, p := range op.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// addField decodes child c as field f of an object under construction.
func addField(obj map[string]any, f *wsdl.Field, c *node, path string) error {
	v, err := value(f, c, path)
	if err != nil {
		return err
	}
	prev, dup := obj[f.Name]
	switch {
	case f.Repeated && dup:
		obj[f.Name] = append(prev.([]any), v)
	case f.Repeated:
		obj[f.Name] = []any{v}
	case dup:
		return clientf("element %s appears more than once", path)
	default:
		obj[f.Name] = v
	}
	return nil
}

// value decodes one element by its field's type.
func value(f *wsdl.Field, n *node, path string) (any, error) {
	if nilled(n) {
		if !f.Nillable {
			return nil, clientf("element %s must not be nil", path)
		}
		return nil, nil
	}
	t := f.Type
	switch t.Kind {
	case wsdl.Object:
		obj := make(map[string]any, len(n.children))
		for _, c := range n.children {
			sub := t.Field(c.local)
			cp := path + "/" + c.local
			if sub == nil {
				return nil, clientf("element %s is not expected here", cp)
			}
			if err := addField(obj, sub, c, cp); err != nil {
				return nil, err
			}
		}
		return obj, nil
	case wsdl.Any:
		return generic(n), nil
	}
	return scalar(t.Kind, n, path)
}

// scalar decodes a leaf: integers, decimals and booleans to JSON numbers
// and booleans, everything else as its text.
func scalar(k wsdl.Kind, n *node, path string) (any, error) {
	if nilled(n) {
		return nil, nil
	}
	if len(n.children) > 0 {
		return nil, clientf("element %s must hold a value, not elements", path)
	}
	s := n.text
	switch k {
	case wsdl.Integer:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, clientf("element %s: %q is not an integer", path, s)
		}
		return int(i), nil
	case wsdl.Decimal:
		t := strings.TrimSpace(s)
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(t, "xXpP_") {
			return nil, clientf("element %s: %q is not a number", path, s)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 && !strings.ContainsAny(t, ".eE") {
			return int(f), nil
		}
		return f, nil
	case wsdl.Boolean:
		switch strings.TrimSpace(s) {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, clientf("element %s: %q is not a boolean (true, false, 1 or 0)", path, s)
	case wsdl.Date, wsdl.DateTime, wsdl.Time, wsdl.Base64:
		return strings.TrimSpace(s), nil
	}
	return s, nil
}

// generic decodes an element of no declared type: elements become objects
// (a repeated name an array), a leaf its text.
func generic(n *node) any {
	if nilled(n) {
		return nil
	}
	if len(n.children) == 0 {
		return n.text
	}
	obj := make(map[string]any, len(n.children))
	for _, c := range n.children {
		v := generic(c)
		switch prev := obj[c.local].(type) {
		case nil:
			if _, dup := obj[c.local]; dup {
				obj[c.local] = []any{nil, v}
			} else {
				obj[c.local] = v
			}
		case []any:
			obj[c.local] = append(prev, v)
		default:
			obj[c.local] = []any{prev, v}
		}
	}
	return obj
}

func nilled(n *node) bool {
	v, ok := n.attr(nsXSI, "nil")
	return ok && (strings.TrimSpace(v) == "true" || strings.TrimSpace(v) == "1")
}

func clientf(format string, args ...any) error {
	return &faultError{code: codeClient, msg: fmt.Sprintf(format, args...)}
}

package process

import (
	"context"

	"github.com/itchyny/gojq"
)

// A fast path evaluates the jq programs most steps use — a constant, `.`,
// a field path such as `.customer.id` or `$props.param_id` — without
// starting gojq's machine, which costs several allocations per run. It only
// answers when the result is certain (objects and null along the path);
// anything else, errors included, goes to gojq, so the results are gojq's.
type fastPath struct {
	kind  fastKind
	keys  []string
	value any // of a constant
}

type fastKind int

const (
	fastNone     fastKind = iota
	fastConstant          // null, true, false, a number, a plain string
	fastDocument          // ., .a, .a.b
	fastProps             // $props, $props.a, $props.a.b
)

// compileFastPath recognizes the simple programs; code computes constants so
// that they are exactly what gojq would yield.
func compileFastPath(q *gojq.Query, code *gojq.Code) fastPath {
	if q.Meta != nil || q.Imports != nil || q.FuncDefs != nil || q.Left != nil || q.Right != nil ||
		q.Patterns != nil || q.Op != 0 || q.Term == nil {
		return fastPath{}
	}
	t := q.Term
	var f fastPath
	switch t.Type {
	case gojq.TermTypeNull, gojq.TermTypeTrue, gojq.TermTypeFalse, gojq.TermTypeNumber:
		f.kind = fastConstant
	case gojq.TermTypeString:
		if t.Str == nil || t.Str.Queries != nil {
			return fastPath{}
		}
		f.kind = fastConstant
	case gojq.TermTypeIdentity:
		f.kind = fastDocument
	case gojq.TermTypeIndex:
		if !plainKey(t.Index) {
			return fastPath{}
		}
		f.kind, f.keys = fastDocument, []string{t.Index.Name}
	case gojq.TermTypeFunc:
		if t.Func.Name != "$props" || t.Func.Args != nil {
			return fastPath{}
		}
		f.kind = fastProps
	default:
		return fastPath{}
	}
	for _, s := range t.SuffixList {
		if f.kind == fastConstant || s.Iter || s.Optional || !plainKey(s.Index) {
			return fastPath{}
		}
		f.keys = append(f.keys, s.Index.Name)
	}
	if f.kind == fastConstant {
		v, ok := code.RunWithContext(context.Background(), nil, map[string]any{}).Next()
		if _, isErr := v.(error); !ok || isErr {
			return fastPath{}
		}
		f.value = v
	}
	return f
}

// plainKey reports an index by a plain name (.name), not a string, a
// number or a slice.
func plainKey(ix *gojq.Index) bool {
	return ix != nil && ix.Name != "" && ix.Str == nil && ix.Start == nil && ix.End == nil && !ix.IsSlice
}

// eval returns the program's only output over v, or ok false when gojq
// must answer.
func (f *fastPath) eval(x *execution, v any) (any, bool) {
	switch f.kind {
	case fastConstant:
		return f.value, true
	case fastProps:
		v = x.props
	case fastDocument:
	default:
		return nil, false
	}
	for _, k := range f.keys {
		switch m := v.(type) {
		case nil:
		case map[string]any:
			v = m[k]
		default:
			return nil, false // an error, worded by gojq
		}
	}
	return v, true
}

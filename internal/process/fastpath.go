package process

import (
	"context"
	"math/big"
	"strconv"
	"strings"

	"github.com/itchyny/gojq"
)

// A fast path evaluates the jq programs most steps use — a constant, `.`,
// a field path such as `.customer.id` or `$props.param_id`, such a path
// piped into tonumber (`$props.param_id | tonumber`) — without
// starting gojq's machine, which costs several allocations per run. It only
// answers when the result is certain (objects and null along the path);
// anything else, errors included, goes to gojq, so the results are gojq's.
type fastPath struct {
	kind     fastKind
	keys     []string
	value    any  // of a constant
	toNumber bool // the path's value piped into tonumber
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
	if q.Op == gojq.OpPipe && q.Meta == nil && q.Imports == nil && q.FuncDefs == nil && isToNumber(q.Right) {
		f := compileFastPath(q.Left, code)
		if f.kind != fastDocument && f.kind != fastProps || f.toNumber {
			return fastPath{}
		}
		f.toNumber = true
		return f
	}
	if isToNumber(q) { // tonumber alone is . | tonumber
		return fastPath{kind: fastDocument, toNumber: true}
	}
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

// isToNumber reports the bare call tonumber.
func isToNumber(q *gojq.Query) bool {
	if q == nil || q.Meta != nil || q.Imports != nil || q.FuncDefs != nil || q.Left != nil || q.Right != nil ||
		q.Patterns != nil || q.Op != 0 || q.Term == nil {
		return false
	}
	t := q.Term
	return t.Type == gojq.TermTypeFunc && t.Func.Name == "tonumber" && t.Func.Args == nil && t.SuffixList == nil
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
	if f.toNumber {
		return toNumber(v)
	}
	return v, true
}

// toNumber is gojq's tonumber where the answer is certain: a number as is,
// a string of a plain decimal integer that fits an int as that int (gojq
// parses it to the same). Other strings, valid numbers or not, and other
// values go to gojq, for its exact result or error.
func toNumber(v any) (any, bool) {
	switch x := v.(type) {
	case int, float64, *big.Int:
		return x, true
	case string:
		if !plainInteger(x) {
			return nil, false
		}
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return nil, false
}

// plainInteger reports -?(0|[1-9][0-9]*) of at most 18 digits, which
// always fits an int64.
func plainInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

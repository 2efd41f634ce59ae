package process

import (
	"context"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFastPathAgreesWithGojq runs each program both ways over inputs of
// every shape: where the fast path answers, gojq must answer the same.
func TestFastPathAgreesWithGojq(t *testing.T) {
	t.Parallel()
	programs := []struct {
		src  string
		fast bool // whether the fast path applies at all
	}{
		{".", true}, {".a", true}, {".a.b", true}, {"$props", true}, {"$props.p", true}, {"$props.o.a", true},
		{"null", true}, {"true", true}, {"false", true}, {"200", true}, {"1.5e3", true}, {"12345678901234567890", true},
		{`"portico"`, true}, {`"\u00e9\n"`, true},
		{".a?", false}, {".a[]", false}, {`.["a"]`, false}, {".a[0]", false}, {`"x\(.a)"`, false}, {"-1", false},
		{".a | .b", false}, {"$props.p | tonumber", false}, {"{a: .a}", false}, {".a.b?", false},
	}
	inputs := []any{nil, 1, "s", true, []any{1}, map[string]any{"a": map[string]any{"b": 2}}, map[string]any{"a": 3}, map[string]any{"a": nil}, map[string]any{}}
	props := map[string]any{"p": "42", "o": map[string]any{"a": []any{"x"}}}
	for _, p := range programs {
		j, err := compileJQ(p.src)
		if err != nil {
			t.Fatalf("%s: %v", p.src, err)
		}
		if got := j.fast.kind != fastNone; got != p.fast {
			t.Errorf("%s: fast path %v, want %v", p.src, got, p.fast)
		}
		x := &execution{props: props}
		for _, in := range inputs {
			fv, ok := j.fast.eval(x, in)
			if !ok {
				continue
			}
			it := j.code.RunWithContext(context.Background(), in, props)
			gv, gok := it.Next()
			if !gok {
				t.Errorf("%s over %v: fast path answered %v, gojq nothing", p.src, in, fv)
				continue
			}
			if err, isErr := gv.(error); isErr {
				t.Errorf("%s over %v: fast path answered %v, gojq failed: %v", p.src, in, fv, err)
				continue
			}
			if diff := cmp.Diff(gv, fv, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); diff != "" {
				t.Errorf("%s over %v (-gojq +fast):\n%s", p.src, in, diff)
			}
			if _, more := it.Next(); more {
				t.Errorf("%s over %v: gojq yields more than one value", p.src, in)
			}
		}
	}
}

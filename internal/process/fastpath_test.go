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
		{".a | .b", false}, {"{a: .a}", false}, {".a.b?", false},
		{"$props.p | tonumber", true}, {". | tonumber", true}, {".a | tonumber", true}, {"tonumber", true},
		{"$props.o.a | tonumber", true}, {"$props.n | tonumber", true}, {"$props.f | tonumber", true},
		{"$props.big | tonumber", true}, {"$props.neg | tonumber", true}, {"$props.lead | tonumber", true},
		{"$props.long | tonumber", true}, {"$props.dec | tonumber", true}, {"$props.x | tonumber", true},
		{"$props.none | tonumber", true}, {"$props.sp | tonumber", true}, {"$props.plus | tonumber", true},
		{"1 | tonumber", false}, {"$props.p | tonumber | tonumber", false}, {"$props.p | tonumber?", false}, {".a | tostring", false},
		{"tonumber | .a", false},
	}
	inputs := []any{nil, 1, 2.5, "s", "42", "-7", "0", "-0", "007", "1.5", "1e3", "", " 1", "+1", "nan", "0x10",
		"123456789012345678", "1234567890123456789", "99999999999999999999", true, []any{1},
		map[string]any{"a": map[string]any{"b": 2}}, map[string]any{"a": 3}, map[string]any{"a": nil},
		map[string]any{"a": "12"}, map[string]any{"a": "x"}, map[string]any{}}
	props := map[string]any{"p": "42", "o": map[string]any{"a": []any{"x"}}, "n": 7, "f": 1.25,
		"big": new(big.Int).Lsh(big.NewInt(1), 80), "neg": "-12", "lead": "012", "long": "123456789012345678901",
		"dec": "3.5", "x": "abc", "sp": "4 ", "plus": "+4"}
	answered := map[string]int{}
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
			answered[p.src]++
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
	if answered["$props.p | tonumber"] == 0 || answered["$props.n | tonumber"] == 0 || answered[". | tonumber"] == 0 {
		t.Errorf("tonumber fast path never answered: %v", answered)
	}
	// Strings that are not plain integers, valid jq numbers or not, are
	// gojq's: its result, or its exact error for tonumber.
	for _, src := range []string{"x", "lead", "long", "dec", "none", "sp", "plus"} {
		prog := "$props." + src + " | tonumber"
		if answered[prog] != 0 {
			t.Errorf("%s: fast path answered, want gojq", prog)
		}
	}
}

package process_test

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/process"
)

type named string

func TestNormalize(t *testing.T) {
	t.Parallel()
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	ts := time.Date(2026, 3, 1, 12, 30, 0, 5, time.UTC)
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"json int", json.Number("42"), 42},
		{"json float", json.Number("4.5"), 4.5},
		{"json big", json.Number("123456789012345678901234567890"), big1},
		{"int64", int64(-7), -7},
		{"uint8", uint8(200), 200},
		{"float32", float32(0.5), 0.5},
		{"bytes utf8", []byte("héllo"), "héllo"},
		{"bytes binary", []byte{0xff, 0}, "/wA="},
		{"time", ts, "2026-03-01T12:30:00.000000005Z"},
		{"nested", map[string]any{"a": []any{int64(1), json.Number("2"), map[string]any{"t": float32(1)}}},
			map[string]any{"a": []any{1, 2, map[string]any{"t": 1.0}}}},
		{"rows", []map[string]any{{"id": int64(1)}}, []any{map[string]any{"id": 1}}},
		{"typed map and slice", map[string][]int32{"x": {1, 2}}, map[string]any{"x": []any{1, 2}}},
		{"named string", named("n"), "n"},
		{"pointer", new(int64), 0},
		{"raw JSON", json.RawMessage(`{"a":[1,2.5]}`), map[string]any{"a": []any{1, 2.5}}},
		{"struct through JSON", struct {
			A int `json:"a"`
		}{3}, map[string]any{"a": 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := process.Normalize(tc.in)
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A normalized document shared by concurrent executions is only read.
func TestNormalizeDoesNotWriteNormalizedValues(t *testing.T) {
	t.Parallel()
	doc := map[string]any{"a": 1, "b": []any{"x", map[string]any{"c": true}}}
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 1000 {
				process.Normalize(doc)
			}
		}()
	}
	for range 4 {
		<-done
	}
}

package process_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/internal/process"
)

// BenchmarkMapProcess is the speed target: a 3-step map process in
// low-latency mode over one small document, ≤ 20 µs and ≤ 30 allocations
// per execution.
func BenchmarkMapProcess(b *testing.B) {
	res := &resources{}
	p := res.define(b, "bench", `
mode: low-latency
steps:
- map: {jq: '{id: .id, name: .name, country: $props.query_country}'}
- set: {properties: {outstatuscode: '200'}}
- map: {jq: '.name'}
`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		doc := map[string]any{"id": 1, "name": "Ada"}
		r, err := p.Run(ctx, process.Input{Documents: []any{doc}, Props: map[string]any{"query_country": "GB"}})
		if err != nil || len(r.Documents) != 1 || r.Documents[0] != "Ada" || r.Status != 200 {
			b.Fatalf("%v %v", r, err)
		}
	}
}

// BenchmarkDecideProcess measures a condition between two jq steps.
func BenchmarkDecideProcess(b *testing.B) {
	res := &resources{}
	p := res.define(b, "bench", `
mode: low-latency
steps:
- decide:
    if: len(documents) > 0 && props.query_country != nil
    then:
    - map: {jq: '.name'}
    else:
    - fail: {message: no}
`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		doc := map[string]any{"id": 1, "name": "Ada"}
		if _, err := p.Run(ctx, process.Input{Documents: []any{doc}, Props: map[string]any{"query_country": "GB"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapProcessGojq is the same shape with programs that all go
// through gojq's machine (no fast path): the cost of jq proper.
func BenchmarkMapProcessGojq(b *testing.B) {
	res := &resources{}
	p := res.define(b, "bench", `
mode: low-latency
steps:
- map: {jq: '{id: .id, name: .name, country: $props.query_country}'}
- set: {properties: {country: '$props.query_country | ascii_downcase'}}
- map: {jq: '.name | ascii_upcase'}
`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		doc := map[string]any{"id": 1, "name": "Ada"}
		r, err := p.Run(ctx, process.Input{Documents: []any{doc}, Props: map[string]any{"query_country": "GB"}})
		if err != nil || len(r.Documents) != 1 || r.Documents[0] != "ADA" {
			b.Fatalf("%v %v", r, err)
		}
	}
}

// BenchmarkQueryProcess is GET by id as the runtime runs it: a query whose
// parameter is a path parameter through tonumber, then return.
func BenchmarkQueryProcess(b *testing.B) {
	res := &resources{sql: map[string]process.SQL{"erp": openSQLite(b, customersSchema)}}
	p := res.define(b, "bench", `
mode: low-latency
steps:
- query:
    connection: erp
    sql: SELECT id, name, country FROM customers WHERE id = :id
    params: {id: '$props.param_id | tonumber'}
- return: {}
`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := p.Run(ctx, process.Input{Props: map[string]any{"param_id": "2"}})
		if err != nil || len(r.Documents) != 1 {
			b.Fatalf("%v %v", r, err)
		}
	}
}

package model_test

import (
	"math"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func query(conn, sql string) model.Step {
	return model.Step{Query: &model.SQLStep{Connection: conn, SQL: sql}}
}

func ret() model.Step { return model.Step{Return: &model.ReturnStep{}} }

func TestProcessSpecValidate(t *testing.T) {
	t.Parallel()
	proc := func(steps ...model.Step) *model.ProcessSpec { return &model.ProcessSpec{Steps: steps} }
	// nest wraps a step in n decide levels.
	nest := func(n int, inner model.Step) model.Step {
		s := inner
		for range n {
			s = model.Step{Decide: &model.DecideStep{If: "true", Then: []model.Step{s}}}
		}
		return s
	}
	tests := []struct {
		name string
		spec *model.ProcessSpec
		want []string
	}{
		{"query and return", proc(query("erp-db", "SELECT * FROM customers WHERE id = :id"), ret()), nil},
		{"every step kind", &model.ProcessSpec{
			Mode:   model.ModeLowLatency,
			Input:  model.Schema{"type": "object"},
			Output: model.Schema{"type": "array"},
			Steps: []model.Step{
				{Name: "load", Query: &model.SQLStep{Connection: "db", SQL: "SELECT 1", Params: map[string]string{"id": ".id"}}},
				{Exec: &model.SQLStep{Connection: "db", SQL: "DELETE FROM t"}},
				{HTTP: &model.HTTPStep{Connection: "crm", Method: "POST", Path: "/x", Headers: map[string]string{"X-A": `"b"`}, Body: "."}},
				{HTTP: &model.HTTPStep{Connection: "crm"}},
				{Map: &model.MapStep{JQ: "{id: .id}"}},
				{Set: &model.SetStep{Properties: map[string]string{"outstatuscode": "201"}}},
				{Decide: &model.DecideStep{If: ".ok", Then: []model.Step{ret()}, Else: []model.Step{{Fail: &model.FailStep{Status: 404, Code: "NOT_FOUND", Message: "no"}}}}},
				{Foreach: &model.ForeachStep{Items: ".lines[]", Steps: []model.Step{query("db", "INSERT 1")}}},
				{Call: &model.CallStep{Process: "audit"}},
				{Return: &model.ReturnStep{Status: 201}},
				{Fail: &model.FailStep{Message: "boom"}},
			},
		}, nil},
		{"general mode", &model.ProcessSpec{Mode: model.ModeGeneral, Steps: []model.Step{ret()}}, nil},
		{"nested to the limit", proc(nest(16, ret())), nil},

		{"no steps", proc(), []string{"spec.steps"}},
		{"profiles JSON cannot hold", &model.ProcessSpec{Input: model.Schema{"maximum": math.Inf(1)},
			Output: model.Schema{"x": []any{math.NaN()}}, Steps: []model.Step{ret()}}, []string{"spec.input", "spec.output"}},
		{"unknown mode", &model.ProcessSpec{Mode: "fast", Steps: []model.Step{ret()}}, []string{"spec.mode"}},
		{"empty step", proc(ret(), model.Step{Name: "nothing"}), []string{"spec.steps[1]"}},
		{"two actions in one step", proc(model.Step{Return: &model.ReturnStep{}, Map: &model.MapStep{JQ: "."}}), []string{"spec.steps[0]"}},
		{"query without sql", proc(query("db", "")), []string{"spec.steps[0].query.sql"}},
		{"query without connection", proc(query("", "SELECT 1")), []string{"spec.steps[0].query.connection"}},
		{"exec bad connection", proc(model.Step{Exec: &model.SQLStep{Connection: "my db", SQL: "x"}}), []string{"spec.steps[0].exec.connection"}},
		{"http bad", proc(model.Step{HTTP: &model.HTTPStep{Method: "get"}}), []string{"spec.steps[0].http.connection", "spec.steps[0].http.method"}},
		{"map without jq", proc(model.Step{Map: &model.MapStep{}}), []string{"spec.steps[0].map.jq"}},
		{"set without properties", proc(model.Step{Set: &model.SetStep{}}), []string{"spec.steps[0].set.properties"}},
		{"decide nested error", proc(model.Step{Decide: &model.DecideStep{If: ".x", Then: []model.Step{ret(), query("db", "")}}}),
			[]string{"spec.steps[0].decide.then[1].query.sql"}},
		{"decide else error", proc(model.Step{Decide: &model.DecideStep{If: ".x", Then: []model.Step{ret()}, Else: []model.Step{{}}}}),
			[]string{"spec.steps[0].decide.else[0]"}},
		{"decide without if", proc(model.Step{Decide: &model.DecideStep{Then: []model.Step{ret()}}}), []string{"spec.steps[0].decide.if"}},
		{"foreach without items and steps", proc(model.Step{Foreach: &model.ForeachStep{}}),
			[]string{"spec.steps[0].foreach.items", "spec.steps[0].foreach.steps"}},
		{"foreach nested error", proc(ret(), model.Step{Foreach: &model.ForeachStep{Items: ".[]", Steps: []model.Step{{Call: &model.CallStep{}}}}}),
			[]string{"spec.steps[1].foreach.steps[0].call.process"}},
		{"call bad process", proc(model.Step{Call: &model.CallStep{Process: "a b"}}), []string{"spec.steps[0].call.process"}},
		{"return bad status", proc(model.Step{Return: &model.ReturnStep{Status: 99}}), []string{"spec.steps[0].return.status"}},
		{"return status too high", proc(model.Step{Return: &model.ReturnStep{Status: 600}}), []string{"spec.steps[0].return.status"}},
		{"fail non-error status and no message", proc(model.Step{Fail: &model.FailStep{Status: 200}}),
			[]string{"spec.steps[0].fail.status", "spec.steps[0].fail.message"}},
		{"nested too deep", proc(nest(17, ret())),
			[]string{"spec.steps[0]" + repeat(".decide.then[0]", 16) + ".decide.then"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.spec.Validate(), tt.want)
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestProcessSpecReferences(t *testing.T) {
	t.Parallel()
	s := &model.ProcessSpec{Steps: []model.Step{
		query("erp-db", "SELECT 1"),
		{Exec: &model.SQLStep{Connection: "audit-db", SQL: "x"}},
		{HTTP: &model.HTTPStep{Connection: "crm"}},
		{Call: &model.CallStep{Process: "notify"}},
		{Decide: &model.DecideStep{If: "x", Then: []model.Step{query("erp-db", "x")}, Else: []model.Step{{Call: &model.CallStep{Process: "log"}}}}},
		{Foreach: &model.ForeachStep{Items: "x", Steps: []model.Step{{HTTP: &model.HTTPStep{Connection: "webhook"}}}}},
		{Map: &model.MapStep{JQ: "."}},
		ret(),
	}}
	want := []model.Ref{
		{Kind: model.KindConnection, Name: "audit-db"},
		{Kind: model.KindConnection, Name: "crm"},
		{Kind: model.KindConnection, Name: "erp-db"},
		{Kind: model.KindConnection, Name: "webhook"},
		{Kind: model.KindProcess, Name: "log"},
		{Kind: model.KindProcess, Name: "notify"},
	}
	if got := s.References(); !slices.Equal(got, want) {
		t.Fatalf("References() = %v, want %v", got, want)
	}
	if s.Kind() != model.KindProcess {
		t.Errorf("Kind() = %q", s.Kind())
	}
}

package model_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestPlanValidate(t *testing.T) {
	t.Parallel()
	rate := func(n int, per string, burst int) *model.PlanRate {
		return &model.PlanRate{Requests: n, Per: per, Burst: burst}
	}
	tests := []struct {
		name string
		plan model.Plan
		want []string
	}{
		{"bare", model.Plan{Name: "free"}, nil},
		{"full", model.Plan{Name: "gold", Spec: model.PlanSpec{Status: model.StatusActive, Rate: rate(100, "second", 200),
			Quota: &model.PlanQuota{Requests: 1e6, Per: "month"}, MaxMessageSize: 1 << 20, Keyless: true}}, nil},
		{"bad name", model.Plan{Name: "gold plan"}, []string{"name"}},
		{"status", model.Plan{Name: "p", Spec: model.PlanSpec{Status: "paused"}}, []string{"spec.status"}},
		{"zero rate", model.Plan{Name: "p", Spec: model.PlanSpec{Rate: rate(0, "minute", 0)}}, []string{"spec.rate.requests"}},
		{"rate unit", model.Plan{Name: "p", Spec: model.PlanSpec{Rate: rate(1, "day", 0)}}, []string{"spec.rate.per"}},
		{"finer than a nanosecond", model.Plan{Name: "p", Spec: model.PlanSpec{Rate: rate(2_000_000_000, "second", 0)}}, []string{"spec.rate.requests"}},
		{"negative burst", model.Plan{Name: "p", Spec: model.PlanSpec{Rate: rate(1, "hour", -1)}}, []string{"spec.rate.burst"}},
		{"quota", model.Plan{Name: "p", Spec: model.PlanSpec{Quota: &model.PlanQuota{Requests: -1, Per: "year"}}}, []string{"spec.quota.requests", "spec.quota.per"}},
		{"size", model.Plan{Name: "p", Spec: model.PlanSpec{MaxMessageSize: -1}}, []string{"spec.maxMessageSize"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.plan.Validate(), tt.want)
		})
	}
}

func TestApplicationValidate(t *testing.T) {
	t.Parallel()
	sub := func(api, version, plan string) model.Subscription {
		return model.Subscription{API: api, Version: version, Plan: plan}
	}
	tests := []struct {
		name string
		app  model.Application
		want []string
	}{
		{"bare", model.Application{Name: "shop"}, nil},
		{"full", model.Application{Name: "shop", Spec: model.ApplicationSpec{Owner: "acme", Contact: "dev@acme.example", Status: model.StatusDisabled,
			Subscriptions: []model.Subscription{sub("erp", "", "gold"), sub("erp", "v2", "silver")}}}, nil},
		{"bad name", model.Application{Name: "-shop"}, []string{"name"}},
		{"contact", model.Application{Name: "shop", Spec: model.ApplicationSpec{Contact: "Dev <dev@acme.example>"}}, []string{"spec.contact"}},
		{"status", model.Application{Name: "shop", Spec: model.ApplicationSpec{Status: "on"}}, []string{"spec.status"}},
		{"subscription fields", model.Application{Name: "shop", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{
			sub("erp", "", "gold"), sub("", "v 1", "")}}}, []string{"spec.subscriptions[1].api", "spec.subscriptions[1].version", "spec.subscriptions[1].plan"}},
		{"twice", model.Application{Name: "shop", Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{
			sub("erp", "v1", "gold"), sub("erp", "v1", "silver")}}}, []string{"spec.subscriptions[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.app.Validate(), tt.want)
		})
	}
}

func TestAPIKey(t *testing.T) {
	t.Parallel()
	if got := model.HashAPIKey("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashAPIKey = %s", got)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := model.APIKey{}
	if k.Expired(now) {
		t.Fatal("a key without expiry expired")
	}
	k.ExpiresAt = &now
	if !k.Expired(now) || k.Expired(now.Add(-time.Nanosecond)) {
		t.Fatal("a key expires at its expiry, not before")
	}
	if !model.Status("").Active() || model.StatusDisabled.Active() {
		t.Fatal("status")
	}
}

package manifest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

func TestPlanAndApplicationDocuments(t *testing.T) {
	t.Parallel()
	src := `kind: plan
name: gold
spec:
  rate: {requests: 100, per: second, burst: 5}
  quota: {requests: 1000, per: week}
  maxMessageSize: 2048
  keyless: true
---
kind: Application
name: shop
description: web shop
spec:
  owner: acme
  contact: dev@acme.example
  status: disabled
  subscriptions:
    - {api: erp, plan: gold}
    - {api: crm, version: v2, plan: gold}
`
	docs, err := manifest.Decode("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docID(docs[0]) != "plan/gold" || docID(docs[1]) != "application/shop" {
		t.Fatalf("documents %v", docs)
	}
	p, a := docs[0].Plan, docs[1].Application
	if p.Spec.Rate.Burst != 5 || p.Spec.Quota.Per != "week" || p.Spec.MaxMessageSize != 2048 || !p.Spec.Keyless {
		t.Fatalf("plan %+v", p.Spec)
	}
	if a.Spec.Status != model.StatusDisabled || len(a.Spec.Subscriptions) != 2 || a.Spec.Subscriptions[1].Version != "v2" {
		t.Fatalf("application %+v", a.Spec)
	}
	// What Encode writes decodes to the same thing.
	for _, d := range docs {
		var b []byte
		if d.Plan != nil {
			b, err = manifest.EncodePlan(d.Plan)
		} else {
			b, err = manifest.EncodeApplication(d.Application)
		}
		if err != nil {
			t.Fatal(err)
		}
		again, err := manifest.Decode("again.yaml", b)
		if err != nil || len(again) != 1 {
			t.Fatalf("re-decode %s: %v\n%s", b, err, b)
		}
		if !reflect.DeepEqual(again[0].Plan, d.Plan) || !reflect.DeepEqual(again[0].Application, d.Application) {
			t.Fatalf("round trip of %s differs:\n%s", docID(d), b)
		}
	}
}

func TestPlanAndApplicationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"unknown field", "kind: Plan\nname: p\nspec:\n  rate: {requests: 1, per: second, burts: 2}\n", "burts"},
		{"keys are never applied", "kind: Application\nname: a\nkeys: [{id: x}]\n", "keys"},
		{"labels", "kind: Plan\nname: p\nlabels: {a: b}\n", "labels"},
		{"validation", "kind: Application\nname: a\nspec:\n  subscriptions: [{api: erp}]\n", "spec.subscriptions[0].plan"},
		{"quota window", "kind: Plan\nname: p\nspec:\n  quota: {requests: 1, per: year}\n", "spec.quota.per"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := manifest.Decode("bad.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.yaml:1") {
				t.Fatalf("error %v, want one naming %q at bad.yaml:1", err, tt.want)
			}
		})
	}
}

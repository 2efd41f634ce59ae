package manifest

import (
	"encoding/json"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/portico-dev/portico/internal/model"
)

// The document kinds of plans and applications.
const (
	KindPlan        = "plan"
	KindApplication = "application"
)

// planDoc and applicationDoc are the YAML shapes of a plan and an
// application: no labels, and an application's keys never appear (they are
// generated, and shown once).
type planDoc struct {
	Kind        string         `json:"kind"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Spec        model.PlanSpec `json:"spec"`
}

type applicationDoc struct {
	Kind        string                `json:"kind"`
	Name        string                `json:"name"`
	Description string                `json:"description,omitempty"`
	Spec        model.ApplicationSpec `json:"spec"`
}

// decodeTraffic decodes a Plan or an Application document; ok is false for
// other kinds.
func decodeTraffic(body ast.Node, kind string) (d Document, ok bool, err error) {
	switch strings.ToLower(kind) {
	case KindPlan:
		var doc planDoc
		if err := strictDecode(body, &doc); err != nil {
			return Document{}, true, err
		}
		p := &model.Plan{Name: doc.Name, Description: doc.Description, Spec: doc.Spec}
		if err := p.Validate(); err != nil {
			return Document{}, true, err
		}
		return Document{Plan: p}, true, nil
	case KindApplication:
		var doc applicationDoc
		if err := strictDecode(body, &doc); err != nil {
			return Document{}, true, err
		}
		a := &model.Application{Name: doc.Name, Description: doc.Description, Spec: doc.Spec}
		if err := a.Validate(); err != nil {
			return Document{}, true, err
		}
		return Document{Application: a}, true, nil
	}
	return Document{}, false, nil
}

// EncodePlan writes a plan as an apply-able YAML document.
func EncodePlan(p *model.Plan) ([]byte, error) {
	return toYAML(planDoc{"Plan", p.Name, p.Description, p.Spec})
}

// EncodeApplication writes an application as an apply-able YAML document,
// without its keys.
func EncodeApplication(a *model.Application) ([]byte, error) {
	return toYAML(applicationDoc{"Application", a.Name, a.Description, a.Spec})
}

func toYAML(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

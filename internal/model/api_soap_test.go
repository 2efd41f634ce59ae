package model_test

import (
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestSOAPSpecValidate(t *testing.T) {
	t.Parallel()
	api := func(s *model.SOAPSpec) *model.APISpec {
		return &model.APISpec{BasePath: "erp", Version: "v1", SOAP: s}
	}
	op := func(name, process string, params ...model.SOAPParameter) model.SOAPOperation {
		return model.SOAPOperation{Name: name, Process: process, Parameters: params}
	}
	ops := func(o ...model.SOAPOperation) *model.SOAPSpec { return &model.SOAPSpec{Operations: o} }
	tests := []struct {
		name string
		spec *model.APISpec
		want []string
	}{
		{"one operation, no REST endpoint", api(ops(op("", "getCustomer"))), nil},
		{"everything set", api(&model.SOAPSpec{Versions: []string{"1.2"}, Namespace: "https://example.com/erp",
			ServiceName: "ErpService", Unwrapped: true, WSDL: "<definitions/>",
			Operations: []model.SOAPOperation{{Name: "getCustomer", Process: "get-customer", Action: "urn:erp/getCustomer",
				Body: "customer", Result: "customer",
				Parameters: []model.SOAPParameter{{Name: "id", Type: "integer", Required: true}, {Name: "q", Property: "query_q"}}}}}), nil},
		{"urn namespace", api(&model.SOAPSpec{Namespace: "urn:example:erp", Operations: []model.SOAPOperation{op("", "p")}}), nil},
		{"no operation", api(&model.SOAPSpec{}), []string{"spec.endpoints", "spec.soap.operations"}},
		{"bad versions", api(&model.SOAPSpec{Versions: []string{"1.1", "2.0", "1.1"}, Operations: []model.SOAPOperation{op("", "p")}}),
			[]string{"spec.soap.versions[1]", "spec.soap.versions[2]"}},
		{"bad namespace", api(&model.SOAPSpec{Namespace: "erp services", Operations: []model.SOAPOperation{op("", "p")}}),
			[]string{"spec.soap.namespace"}},
		{"relative namespace", api(&model.SOAPSpec{Namespace: "erp", Operations: []model.SOAPOperation{op("", "p")}}),
			[]string{"spec.soap.namespace"}},
		{"bad service name", api(&model.SOAPSpec{ServiceName: "Erp Service", Operations: []model.SOAPOperation{op("", "p")}}),
			[]string{"spec.soap.serviceName"}},
		{"uploaded document is no WSDL", api(&model.SOAPSpec{WSDL: "hello", Operations: []model.SOAPOperation{op("", "p")}}),
			[]string{"spec.soap.wsdl"}},
		{"missing process", api(ops(op("a", ""))), []string{"spec.soap.operations[0].process"}},
		{"bad name", api(ops(op("get customer", "p"))), []string{"spec.soap.operations[0].name"}},
		{"xml-prefixed name", api(ops(op("xmlThing", "p"))), []string{"spec.soap.operations[0].name"}},
		{"duplicate name", api(ops(op("a", "p"), op("a", "q"))), []string{"spec.soap.operations[1].name"}},
		{"bad action, body and result", api(ops(model.SOAPOperation{Process: "p", Action: `"x y"`, Body: "1x", Result: "a b"})),
			[]string{"spec.soap.operations[0].action", "spec.soap.operations[0].body", "spec.soap.operations[0].result"}},
		{"bad parameters", api(ops(op("a", "p",
			model.SOAPParameter{Name: "id", Type: "date"},
			model.SOAPParameter{Name: "id"},
			model.SOAPParameter{Name: "x", Property: "param_id"},
			model.SOAPParameter{Name: "y", Property: "a-b"},
			model.SOAPParameter{Name: "<"},
		))), []string{"spec.soap.operations[0].parameters[0].type", "spec.soap.operations[0].parameters[1].name",
			"spec.soap.operations[0].parameters[1].property", "spec.soap.operations[0].parameters[2].property",
			"spec.soap.operations[0].parameters[3].property", "spec.soap.operations[0].parameters[4].name",
			"spec.soap.operations[0].parameters[4].property"}},
		{"parameter named like the body", api(ops(model.SOAPOperation{Process: "p", Body: "c", Parameters: []model.SOAPParameter{{Name: "c"}}})),
			[]string{"spec.soap.operations[0].parameters[0].name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.spec.Validate(), tt.want)
		})
	}
}

func TestSOAPSpecReferencesAndVersions(t *testing.T) {
	t.Parallel()
	s := &model.APISpec{Endpoints: []model.Endpoint{{Process: "b"}},
		SOAP: &model.SOAPSpec{Operations: []model.SOAPOperation{{Process: "c"}, {Process: "b"}}}}
	want := []model.Ref{{Kind: model.KindProcess, Name: "b"}, {Kind: model.KindProcess, Name: "c"}}
	if got := s.References(); !slices.Equal(got, want) {
		t.Fatalf("References() = %v, want %v", got, want)
	}
	if !s.SOAP.ServesSOAP("1.1") || !s.SOAP.ServesSOAP("1.2") {
		t.Error("no versions listed should serve both")
	}
	s.SOAP.Versions = []string{"1.2"}
	if s.SOAP.ServesSOAP("1.1") || !s.SOAP.ServesSOAP("1.2") {
		t.Error("versions [1.2] should serve 1.2 only")
	}
	var none *model.SOAPSpec
	if none.ServesSOAP("1.1") {
		t.Error("a nil spec serves nothing")
	}
}

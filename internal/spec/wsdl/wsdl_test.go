package wsdl_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/wsdl"
)

func TestFromSchema(t *testing.T) {
	t.Parallel()
	typ, err := wsdl.FromSchema(model.Schema{
		"type":     "object",
		"required": []any{"id", "lines"},
		"$defs": model.Schema{"line": model.Schema{"type": "object", "required": []any{"qty"},
			"properties": model.Schema{"qty": model.Schema{"type": "integer"}, "at": model.Schema{"type": "string", "format": "date-time"}}}},
		"properties": model.Schema{
			"id":    model.Schema{"type": "integer"},
			"lines": model.Schema{"type": "array", "items": model.Schema{"$ref": "#/$defs/line"}},
			"memo":  model.Schema{"type": []any{"string", "null"}},
			"blob":  model.Schema{"type": "string", "contentEncoding": "base64"},
			"extra": model.Schema{},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range typ.Fields {
		got = append(got, f.Name+":"+f.Type.Kind.XSDName())
	}
	if strings.Join(got, " ") != "blob:base64Binary extra:anyType id:long lines: memo:string" {
		t.Errorf("fields %v", got)
	}
	lines := typ.Field("lines")
	if !lines.Repeated || !lines.Optional || lines.Type.Kind != wsdl.Object || lines.Type.Field("at").Type.Kind != wsdl.DateTime || lines.Type.Field("qty").Optional {
		t.Errorf("lines: %+v", lines)
	}
	if m := typ.Field("memo"); !m.Nillable || !m.Optional {
		t.Errorf("memo: %+v", m)
	}
	if id := typ.Field("id"); id.Optional || id.Nillable {
		t.Errorf("id: %+v", id)
	}
	for _, bad := range []model.Schema{
		{"type": "object", "properties": model.Schema{"a b": model.Schema{"type": "string"}}},
		{"$ref": "https://example.com/x.json"},
		{"$ref": "#/$defs/missing"},
	} {
		if _, err := wsdl.FromSchema(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	procs := map[string]*model.ProcessSpec{
		"get":  {Operation: &model.ProcessOperation{Type: "get", Object: "Order"}, Output: model.Schema{"type": "object", "properties": model.Schema{"id": model.Schema{"type": "integer"}}}},
		"save": {Input: model.Schema{"type": "object", "properties": model.Schema{"id": model.Schema{"type": "integer"}}}},
		"text": {Input: model.Schema{"type": "string"}},
	}
	api := func(s *model.SOAPSpec) *model.APISpec { return &model.APISpec{BasePath: "o", Version: "v2", SOAP: s} }
	svc, err := wsdl.Describe("order-desk", api(&model.SOAPSpec{Operations: []model.SOAPOperation{{Process: "get"}, {Process: "text"}}}), procs)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Name != "OrderDeskService" || svc.Namespace != "urn:portico:order-desk:v2" || !svc.SOAP11 || !svc.SOAP12 {
		t.Errorf("service %+v", svc)
	}
	if op := svc.Operation("getOrder"); op == nil || op.Action != "urn:portico:order-desk:v2/getOrder" || op.Request != nil {
		t.Errorf("getOrder: %+v", op)
	}
	if op := svc.Operation("text"); op == nil || op.Body != "document" || op.Request.Kind != wsdl.String {
		t.Errorf("a non-object request needs a body element: %+v", op)
	}
	for name, s := range map[string]*model.SOAPSpec{
		"missing process":             {Operations: []model.SOAPOperation{{Process: "nope"}}},
		"two operations of one name":  {Operations: []model.SOAPOperation{{Process: "get"}, {Name: "getOrder", Process: "save"}}},
		"a response element collides": {Operations: []model.SOAPOperation{{Process: "get"}, {Name: "getOrderResponse", Process: "save"}}},
		"parameter is a field too": {Operations: []model.SOAPOperation{{Process: "save",
			Parameters: []model.SOAPParameter{{Name: "id"}}}}},
		"unwrapped results differ": {Unwrapped: true, Operations: []model.SOAPOperation{{Process: "get", Result: "r"}, {Process: "save", Result: "r"}}},
	} {
		if _, err := wsdl.Describe("x", api(s), procs); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRenderUnwrappedAndVersions(t *testing.T) {
	t.Parallel()
	procs := map[string]*model.ProcessSpec{"get": {Output: model.Schema{"type": "object", "properties": model.Schema{"id": model.Schema{"type": "integer"}}}}}
	svc, err := wsdl.Describe("x", &model.APISpec{BasePath: "x", Version: "v1", SOAP: &model.SOAPSpec{Versions: []string{"1.2"}, Unwrapped: true,
		Operations: []model.SOAPOperation{{Process: "get", Result: "order"}}}}, procs)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := svc.Render()
	if err != nil {
		t.Fatal(err)
	}
	out := string(doc.WSDL("http://a/ws/soap/x/v1", "http://a/ws/soap12/x/v1", "http://a/ws/soap/x/v1?xsd=1", true))
	for _, w := range []string{`<wsdl:part name="result" element="tns:order"/>`, `<soap12:address location="http://a/ws/soap12/x/v1"/>`, `<xsd:element name="order" nillable="true">`} {
		if !strings.Contains(out, w) {
			t.Errorf("lacks %s:\n%s", w, out)
		}
	}
	if strings.Contains(out, "<soap:address") || strings.Contains(out, `element="tns:getResponse"`) {
		t.Errorf("a 1.2-only unwrapped service has a 1.1 port or a response wrapper:\n%s", out)
	}
}

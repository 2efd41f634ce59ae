package wsdl

import (
	"bytes"
	"fmt"
	"html"

	"github.com/beevik/etree"
)

// Placeholders of the rendered documents, replaced per request by the
// addresses the caller used. They hold no character XML escapes, so they
// survive rendering as they are.
const (
	addr11Mark = "urn:portico:address:soap11"
	addr12Mark = "urn:portico:address:soap12"
	xsdMark    = "urn:portico:address:xsd"
)

// Document is a Service's WSDL rendered once, at compile time; a request
// only fills in its addresses.
type Document struct {
	imported []byte // ?wsdl: the schema imported from ?xsd=1
	single   []byte // ?wsdl=single: the schema inline
	xsd      []byte
	uploaded []byte
}

// Render writes the Service's documents.
func (s *Service) Render() (*Document, error) {
	if s.Uploaded != nil {
		return &Document{uploaded: s.Uploaded}, nil
	}
	d := &Document{}
	var err error
	if d.single, err = s.definitions(false); err != nil {
		return nil, err
	}
	if d.imported, err = s.definitions(true); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(s.schema())
	doc.Indent(2)
	if d.xsd, err = doc.WriteToBytes(); err != nil {
		return nil, fmt.Errorf("wsdl: %s: %w", s.API, err)
	}
	return d, nil
}

// Uploaded reports whether the document is the publisher's own.
func (d *Document) Uploaded() bool { return d.uploaded != nil }

// WSDL returns the document for callers that reach the SOAP 1.1 and 1.2
// endpoints at addr11 and addr12; single inlines the schema, otherwise it
// is imported from xsdURL. An uploaded document is returned as it is.
func (d *Document) WSDL(addr11, addr12, xsdURL string, single bool) []byte {
	if d.uploaded != nil {
		return d.uploaded
	}
	src := d.imported
	if single {
		src = d.single
	}
	out := bytes.ReplaceAll(src, []byte(addr11Mark), []byte(html.EscapeString(addr11)))
	out = bytes.ReplaceAll(out, []byte(addr12Mark), []byte(html.EscapeString(addr12)))
	return bytes.ReplaceAll(out, []byte(xsdMark), []byte(html.EscapeString(xsdURL)))
}

// XSD returns the schema of the messages; nil for an uploaded WSDL.
func (d *Document) XSD() []byte { return d.xsd }

func (s *Service) definitions(importSchema bool) ([]byte, error) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	defs := doc.CreateElement("wsdl:definitions")
	defs.CreateAttr("xmlns:wsdl", NSWSDL)
	defs.CreateAttr("xmlns:soap", NSSOAP11)
	defs.CreateAttr("xmlns:soap12", NSSOAP12)
	defs.CreateAttr("xmlns:xsd", NSXSD)
	defs.CreateAttr("xmlns:tns", s.Namespace)
	defs.CreateAttr("name", s.Name)
	defs.CreateAttr("targetNamespace", s.Namespace)
	if s.Title != "" {
		defs.CreateElement("wsdl:documentation").SetText(s.Title)
	}
	types := defs.CreateElement("wsdl:types")
	if importSchema {
		sch := types.CreateElement("xsd:schema")
		imp := sch.CreateElement("xsd:import")
		imp.CreateAttr("namespace", s.Namespace)
		imp.CreateAttr("schemaLocation", xsdMark)
	} else {
		types.AddChild(s.schema())
	}
	for _, op := range s.Operations {
		in := defs.CreateElement("wsdl:message")
		in.CreateAttr("name", op.Name+"Request")
		part := in.CreateElement("wsdl:part")
		part.CreateAttr("name", "parameters")
		part.CreateAttr("element", "tns:"+op.Name)
		out := defs.CreateElement("wsdl:message")
		out.CreateAttr("name", op.Name+"Response")
		part = out.CreateElement("wsdl:part")
		if s.Unwrapped {
			part.CreateAttr("name", "result")
			part.CreateAttr("element", "tns:"+op.Result)
		} else {
			part.CreateAttr("name", "parameters")
			part.CreateAttr("element", "tns:"+op.Name+"Response")
		}
	}
	pt := defs.CreateElement("wsdl:portType")
	pt.CreateAttr("name", s.Name+"PortType")
	for _, op := range s.Operations {
		o := pt.CreateElement("wsdl:operation")
		o.CreateAttr("name", op.Name)
		if op.Doc != "" {
			o.CreateElement("wsdl:documentation").SetText(op.Doc)
		}
		o.CreateElement("wsdl:input").CreateAttr("message", "tns:"+op.Name+"Request")
		o.CreateElement("wsdl:output").CreateAttr("message", "tns:"+op.Name+"Response")
	}
	svc := etree.NewElement("wsdl:service")
	svc.CreateAttr("name", s.Name)
	for _, b := range []struct {
		on          bool
		suffix, ns  string
		addressMark string
	}{{s.SOAP11, "Soap", "soap", addr11Mark}, {s.SOAP12, "Soap12", "soap12", addr12Mark}} {
		if !b.on {
			continue
		}
		bind := defs.CreateElement("wsdl:binding")
		bind.CreateAttr("name", s.Name+b.suffix)
		bind.CreateAttr("type", "tns:"+s.Name+"PortType")
		sb := bind.CreateElement(b.ns + ":binding")
		sb.CreateAttr("style", "document")
		sb.CreateAttr("transport", NSHTTP)
		for _, op := range s.Operations {
			o := bind.CreateElement("wsdl:operation")
			o.CreateAttr("name", op.Name)
			so := o.CreateElement(b.ns + ":operation")
			so.CreateAttr("soapAction", op.Action)
			so.CreateAttr("style", "document")
			o.CreateElement("wsdl:input").CreateElement(b.ns+":body").CreateAttr("use", "literal")
			o.CreateElement("wsdl:output").CreateElement(b.ns+":body").CreateAttr("use", "literal")
		}
		port := svc.CreateElement("wsdl:port")
		port.CreateAttr("name", s.Name+b.suffix)
		port.CreateAttr("binding", "tns:"+s.Name+b.suffix)
		port.CreateElement(b.ns+":address").CreateAttr("location", b.addressMark)
	}
	defs.AddChild(svc)
	doc.Indent(2)
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("wsdl: %s: %w", s.API, err)
	}
	return out, nil
}

// schema is the XML Schema of every message of the service.
func (s *Service) schema() *etree.Element {
	sch := etree.NewElement("xsd:schema")
	sch.CreateAttr("xmlns:xsd", NSXSD)
	sch.CreateAttr("xmlns:tns", s.Namespace)
	sch.CreateAttr("targetNamespace", s.Namespace)
	sch.CreateAttr("elementFormDefault", "qualified")
	results := map[string]bool{}
	for _, op := range s.Operations {
		req := sch.CreateElement("xsd:element")
		req.CreateAttr("name", op.Name)
		documentation(req, op.Doc)
		seq := req.CreateElement("xsd:complexType").CreateElement("xsd:sequence")
		for _, p := range op.Params {
			e := seq.CreateElement("xsd:element")
			e.CreateAttr("name", p.Name)
			e.CreateAttr("type", "xsd:"+p.Kind.XSDName())
			if !p.Required {
				e.CreateAttr("minOccurs", "0")
			}
			documentation(e, p.Doc)
		}
		switch {
		case op.Request == nil:
		case op.Body != "":
			field(seq, &Field{Name: op.Body, Type: op.Request})
		default:
			for _, f := range op.Request.Fields {
				field(seq, f)
			}
		}
		// Nillable: a process may return a null document, written as
		// xsi:nil rather than dropped, so that the count stays right.
		item := &Field{Name: op.Result, Type: op.Response, Optional: true, Repeated: true, Nillable: true}
		if s.Unwrapped {
			if !results[op.Result] {
				results[op.Result] = true
				field(sch, &Field{Name: op.Result, Type: op.Response, Nillable: true})
			}
			continue
		}
		res := sch.CreateElement("xsd:element")
		res.CreateAttr("name", op.Name+"Response")
		field(res.CreateElement("xsd:complexType").CreateElement("xsd:sequence"), item)
	}
	return sch
}

// field declares f as an element of parent (a sequence or the schema).
func field(parent *etree.Element, f *Field) {
	e := parent.CreateElement("xsd:element")
	e.CreateAttr("name", f.Name)
	if f.Type.Kind != Object {
		e.CreateAttr("type", "xsd:"+f.Type.Kind.XSDName())
	}
	if parent.Tag != "schema" {
		if f.Optional {
			e.CreateAttr("minOccurs", "0")
		}
		if f.Repeated {
			e.CreateAttr("maxOccurs", "unbounded")
		}
	}
	if f.Nillable {
		e.CreateAttr("nillable", "true")
	}
	documentation(e, f.Doc)
	if f.Type.Kind == Object {
		seq := e.CreateElement("xsd:complexType").CreateElement("xsd:sequence")
		for _, sub := range f.Type.Fields {
			field(seq, sub)
		}
	}
}

func documentation(e *etree.Element, doc string) {
	if doc != "" {
		e.CreateElement("xsd:annotation").CreateElement("xsd:documentation").SetText(doc)
	}
}

package platform

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/soap"
)

const contractSOAPAPI = `{"kind":"api","name":"shop","spec":{"basePath":"shop","version":"v1","title":"Shop",` +
	`"soap":{"namespace":"urn:shop","operations":[{"process":"getCustomer","parameters":[{"name":"id","type":"integer","required":true}]}]}}}`

const contractRESTOnly = `{"kind":"api","name":"restonly","spec":{"basePath":"r","version":"v1","endpoints":[` +
	`{"method":"GET","path":"/customers/{id}","process":"getCustomer"}]}}`

func TestAPIWSDL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.user("viewer", "viewer")
	pub := e.user("pub", "publisher")
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(connDoc, contractProcDoc, contractSOAPAPI, contractRESTOnly))

	a := e.must(http.StatusOK, "GET", "/apis/shop/wsdl", viewer, nil)
	body := string(a.body)
	if ct := a.header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, w := range []string{
		`targetNamespace="urn:shop"`,
		`<xsd:element name="getCustomer">`,
		`<xsd:element name="id" type="xsd:long"/>`,
		`<soap:address location="/ws/soap/shop/v1"/>`,
		`<soap12:address location="/ws/soap12/shop/v1"/>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("the WSDL lacks %s:\n%s", w, body)
		}
	}
	if strings.Contains(body, "schemaLocation") {
		t.Errorf("the platform's WSDL must be self-contained:\n%s", body)
	}
	// An API without SOAP operations has no WSDL.
	if p := e.must(http.StatusNotFound, "GET", "/apis/restonly/wsdl", viewer, nil).problem(t); !strings.Contains(p.Detail, "no SOAP operations") {
		t.Errorf("REST-only API: detail %q", p.Detail)
	}
	if p := e.must(http.StatusNotFound, "GET", "/apis/nope/wsdl", viewer, nil).problem(t); !strings.Contains(p.Detail, "nope") {
		t.Errorf("unknown API: detail %q", p.Detail)
	}
}

// The platform names the runtime's SOAP prefixes without linking the runtime.
func TestSOAPPrefixesAreTheRuntimes(t *testing.T) {
	t.Parallel()
	if soap11Prefix != soap.Prefix11 || soap12Prefix != soap.Prefix12 {
		t.Errorf("prefixes %q %q, the runtime serves SOAP at %q %q", soap11Prefix, soap12Prefix, soap.Prefix11, soap.Prefix12)
	}
}

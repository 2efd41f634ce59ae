package soap_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/soap"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// runFunc is a process written in Go, for tests of what the endpoint does
// around it.
type runFunc func(in process.Input) (*process.Result, error)

func (f runFunc) Run(_ context.Context, in process.Input) (*process.Result, error) { return f(in) }

// records keeps the executions it is given.
type records struct {
	mu   sync.Mutex
	recs []*model.Execution
}

func (r *records) Record(e *model.Execution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, e)
}

func (r *records) CountLowLatency(time.Duration, bool) {}

func (r *records) all() []*model.Execution {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*model.Execution(nil), r.recs...)
}

const ns = "urn:test:shop"

var itemProfile = model.Schema{
	"type":     "object",
	"required": []any{"n"},
	"properties": model.Schema{
		"n":       model.Schema{"type": "integer"},
		"price":   model.Schema{"type": "number"},
		"ok":      model.Schema{"type": "boolean"},
		"day":     model.Schema{"type": "string", "format": "date"},
		"tags":    model.Schema{"type": "array", "items": model.Schema{"type": "string"}},
		"address": model.Schema{"type": "object", "properties": model.Schema{"city": model.Schema{"type": "string", "maxLength": 5}}},
		"note":    model.Schema{"type": []any{"string", "null"}},
	},
}

// newServer serves a SOAP API of four operations: echo hands the request
// documents back (twice, to show lists), lookup returns its properties,
// missing fails with 404 and broken with an internal error.
func newServer(t *testing.T, rec endpoint.Recorder) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(newHandler(t, rec))
	t.Cleanup(srv.Close)
	return srv
}

func newHandler(t testing.TB, rec endpoint.Recorder) http.Handler {
	t.Helper()
	echo := runFunc(func(in process.Input) (*process.Result, error) {
		return &process.Result{Documents: append(append([]any{}, in.Documents...), in.Documents...)}, nil
	})
	lookup := runFunc(func(in process.Input) (*process.Result, error) {
		return &process.Result{Documents: []any{map[string]any{"id": in.Props["param_id"], "limit": in.Props["query_limit"]}}}, nil
	})
	missing := runFunc(func(process.Input) (*process.Result, error) {
		return nil, &process.Failure{Status: 404, Code: "notFound", Message: "no such item"}
	})
	broken := runFunc(func(process.Input) (*process.Result, error) {
		return nil, errors.New("dial tcp 10.0.0.1: password=secret refused")
	})
	procs := map[string]endpoint.RunnerWithSpec{
		"echo":    {Runner: echo, Spec: &model.ProcessSpec{Input: itemProfile, Output: itemProfile}},
		"lookup":  {Runner: lookup, Spec: &model.ProcessSpec{Operation: &model.ProcessOperation{Type: "get", Object: "Item"}}},
		"missing": {Runner: missing, Spec: &model.ProcessSpec{}},
		"broken":  {Runner: broken, Spec: &model.ProcessSpec{}},
	}
	spec := &model.APISpec{BasePath: "shop", Version: "v1", SOAP: &model.SOAPSpec{Namespace: ns, Operations: []model.SOAPOperation{
		{Name: "echoItem", Process: "echo", Result: "item"},
		{Process: "lookup", Parameters: []model.SOAPParameter{{Name: "id", Type: "integer", Required: true},
			{Name: "limit", Type: "integer", Property: "query_limit"}}},
		{Name: "missingItem", Process: "missing"},
		{Name: "brokenItem", Process: "broken"},
	}}}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	api, err := soap.Compile("shop", spec, procs, endpoint.Options{Logger: slog.New(slog.DiscardHandler), Recorder: rec, API: "shop", APIVersion: "v1", MaxBodyBytes: 64 << 10}, "")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := soap.NewRouter([]*soap.API{api})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(soap.Prefix11+"/", rt)
	mux.Handle(soap.Prefix12+"/", rt)
	return mux
}

func env11(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` + body + `</s:Body></s:Envelope>`
}

func env12(body string) string {
	return `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>` + body + `</e:Body></e:Envelope>`
}

func post(t *testing.T, url string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func xmlHeader(ct string) http.Header { return http.Header{"Content-Type": {ct}} }

func TestOperations(t *testing.T) {
	t.Parallel()
	rec := &records{}
	srv := newServer(t, rec)
	u11, u12 := srv.URL+"/ws/soap/shop/v1", srv.URL+"/ws/soap12/shop/v1"
	item := `<echoItem xmlns="` + ns + `"><n> 42 </n><price>9.50</price><ok>1</ok><day>2026-01-02</day><tags>a</tags><tags>b &amp; c</tags>` +
		`<address><city>Bonn</city></address><note xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></echoItem>`
	cases := []struct {
		name, url, ct, action, body string
		status                      int
		want                        []string
	}{
		{"typed echo, listed twice", u11, "text/xml; charset=utf-8", `"urn:test:shop/echoItem"`, env11(item), 200, []string{
			`<echoItemResponse xmlns="urn:test:shop"`,
			`<item><address><city>Bonn</city></address><day>2026-01-02</day><n>42</n><note xsi:nil="true"/><ok>true</ok><price>9.5</price><tags>a</tags><tags>b &amp; c</tags></item><item>`,
		}},
		{"soap 1.2 with its action parameter", u12, `application/soap+xml; charset=utf-8; action="urn:test:shop/echoItem"`, "", env12(item), 200,
			[]string{`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">`, "<n>42</n>"}},
		{"parameters become properties, param_ as text", u11, "text/xml", "", env11(`<t:getItem xmlns:t="urn:test:shop"><t:id>007</t:id><t:limit>5</t:limit></t:getItem>`), 200,
			[]string{"<result><id>007</id><limit>5</limit></result>"}},
		{"process failure is a Client fault", u11, "text/xml", "", env11(`<missingItem xmlns="urn:test:shop"/>`), 500,
			[]string{"<faultcode>soap:Client</faultcode><faultstring>no such item</faultstring>", "<f:status>404</f:status><f:code>notFound</f:code>"}},
		{"process failure in 1.2 is a Sender fault, 400", u12, "application/soap+xml", "", env12(`<missingItem xmlns="urn:test:shop"/>`), 400,
			[]string{"<soap:Value>soap:Sender</soap:Value>", `<soap:Text xml:lang="en">no such item</soap:Text>`}},
		{"internal error is a Server fault that hides the error", u11, "text/xml", "", env11(`<brokenItem xmlns="urn:test:shop"/>`), 500,
			[]string{"<faultcode>soap:Server</faultcode><faultstring>the process failed; see execution "}},
		{"internal error in 1.2 is a Receiver fault", u12, "application/soap+xml", "", env12(`<brokenItem xmlns="urn:test:shop"/>`), 500,
			[]string{"<soap:Value>soap:Receiver</soap:Value>"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := xmlHeader(tc.ct)
			if tc.action != "" {
				h.Set("SOAPAction", tc.action)
			}
			resp, body := post(t, tc.url, h, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %s:\n%s", w, body)
				}
			}
			id := resp.Header.Get(endpoint.ExecutionIDHeader)
			if id == "" {
				t.Error("no X-Execution-Id")
			}
			if resp.StatusCode != 200 && !strings.Contains(body, "<f:executionId>"+id+"</f:executionId>") {
				t.Errorf("the fault does not carry execution %s: %s", id, body)
			}
			if strings.Contains(body, "secret") {
				t.Errorf("the answer leaks the error: %s", body)
			}
		})
	}
	recs := rec.all()
	if len(recs) != len(cases) {
		t.Fatalf("%d executions recorded, want %d", len(recs), len(cases))
	}
	for _, r := range recs {
		if r.Trigger != "soap" || r.API != "shop" || r.Endpoint == "" || r.ID == "" {
			t.Errorf("record %+v lacks its labels", r)
		}
		if r.Endpoint == "echoItem" && (r.Status != model.ExecComplete || r.InputDocs != 1 || r.OutputDocs != 2 ||
			!strings.Contains(string(r.Input), `"n":42`) || !strings.Contains(string(r.Input), `"price":9.5`) || !strings.Contains(string(r.Input), `"ok":true`)) {
			t.Errorf("echo record %+v: input %s", r, r.Input)
		}
		if r.Endpoint == "missingItem" && (r.Status != model.ExecError || r.Error != "no such item") {
			t.Errorf("missing record %+v", r)
		}
	}
}

// billionLaughs declares entities that would expand to gigabytes.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><echoItem xmlns="urn:test:shop"><n>&lol9;</n></echoItem></s:Body></s:Envelope>`

const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY f SYSTEM "file:///etc/passwd">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><echoItem xmlns="urn:test:shop"><n>&f;</n></echoItem></s:Body></s:Envelope>`

func TestBadInput(t *testing.T) {
	t.Parallel()
	srv := newServer(t, &records{})
	u11, u12 := srv.URL+"/ws/soap/shop/v1", srv.URL+"/ws/soap12/shop/v1"
	deep := env11(`<echoItem xmlns="urn:test:shop"><n>1</n><address>` + strings.Repeat("<x>", 70) + strings.Repeat("</x>", 70) + `</address></echoItem>`)
	cases := []struct {
		name, url, ct, action, body string
		status                      int
		want                        string
	}{
		{"malformed XML", u11, "text/xml", "", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`, 500, "not well-formed XML"},
		{"malformed XML in 1.2", u12, "application/soap+xml", "", `<a><b></a>`, 400, "not well-formed XML"},
		{"empty body", u11, "text/xml", "", ``, 500, "holds no XML element"},
		{"not an envelope", u11, "text/xml", "", `<echoItem xmlns="urn:test:shop"><n>1</n></echoItem>`, 500, "not a SOAP envelope"},
		{"1.2 envelope at the 1.1 endpoint", u11, "text/xml", "", env12(`<echoItem xmlns="urn:test:shop"><n>1</n></echoItem>`), 500, "<faultcode>soap:VersionMismatch</faultcode>"},
		{"1.1 envelope at the 1.2 endpoint", u12, "application/soap+xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n></echoItem>`), 500, "<soap:Value>soap:VersionMismatch</soap:Value>"},
		{"unknown envelope namespace", u11, "text/xml", "", `<s:Envelope xmlns:s="urn:other"><s:Body/></s:Envelope>`, 500, "soap:VersionMismatch"},
		{"no body", u11, "text/xml", "", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>`, 500, "has no Body"},
		{"two operations", u11, "text/xml", "", env11(`<missingItem xmlns="urn:test:shop"/><missingItem xmlns="urn:test:shop"/>`), 500, "exactly one operation element (found 2)"},
		{"mustUnderstand header", u11, "text/xml", "", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><w:Security xmlns:w="urn:wss" s:mustUnderstand="1"/></s:Header><s:Body><missingItem xmlns="urn:test:shop"/></s:Body></s:Envelope>`, 500, "soap:MustUnderstand"},
		{"unknown operation", u11, "text/xml", "", env11(`<deleteEverything xmlns="urn:test:shop"/>`), 500, "operation deleteEverything is not an operation of this service"},
		{"unknown namespace", u11, "text/xml", "", env11(`<echoItem xmlns="urn:other"><n>1</n></echoItem>`), 500, "is not in the service namespace urn:test:shop"},
		{"wrong SOAPAction", u11, "text/xml", `"urn:test:shop/missingItem"`, env11(`<echoItem xmlns="urn:test:shop"><n>1</n></echoItem>`), 500, `the SOAP action &#34;urn:test:shop/missingItem&#34; does not match operation echoItem`},
		{"wrong 1.2 action", u12, `application/soap+xml; action="urn:x"`, "", env12(`<echoItem xmlns="urn:test:shop"><n>1</n></echoItem>`), 400, "does not match operation echoItem"},
		{"integer of the wrong type", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>forty</n></echoItem>`), 500, `element echoItem/n: &#34;forty&#34; is not an integer`},
		{"nested number of the wrong type", u12, "application/soap+xml", "", env12(`<echoItem xmlns="urn:test:shop"><n>1</n><price>1e999</price></echoItem>`), 400, "element echoItem/price"},
		{"boolean of the wrong type", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><ok>yes</ok></echoItem>`), 500, "element echoItem/ok"},
		{"parameter of the wrong type", u11, "text/xml", "", env11(`<getItem xmlns="urn:test:shop"><id>x1</id></getItem>`), 500, "element getItem/id"},
		{"missing required parameter", u11, "text/xml", "", env11(`<getItem xmlns="urn:test:shop"/>`), 500, "element getItem/id is required"},
		{"unknown element", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><color>red</color></echoItem>`), 500, "element color is not part of operation echoItem"},
		{"unknown nested element", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><address><zip>1</zip></address></echoItem>`), 500, "element echoItem/address/zip is not expected here"},
		{"repeated single element", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><n>2</n></echoItem>`), 500, "element echoItem/n appears more than once"},
		{"nil where not nillable", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><n i:nil="true"/></echoItem>`), 500, "must not be nil"},
		{"profile violation", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><address><city>Königswinter</city></address></echoItem>`), 500, "element echoItem/address/city"},
		{"required field missing", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><price>1</price></echoItem>`), 500, "does not match operation echoItem"},
		{"billion laughs", u11, "text/xml", "", billionLaughs, 500, "DTDs and entity declarations are not accepted"},
		{"external entity", u12, "application/soap+xml", "", xxe, 400, "DTDs and entity declarations are not accepted"},
		{"undeclared entity", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>&lol;</n></echoItem>`), 500, "not well-formed XML"},
		{"deep nesting", u11, "text/xml", "", deep, 500, "deeper than 64 levels"},
		{"too large", u11, "text/xml", "", env11(`<echoItem xmlns="urn:test:shop"><n>1</n><note>` + strings.Repeat("x", 70<<10) + `</note></echoItem>`), 413, "larger than 65536 bytes"},
		{"other encoding", u11, "text/xml", "", `<?xml version="1.0" encoding="ISO-8859-1"?>` + env11(`<missingItem xmlns="urn:test:shop"/>`)[38:], 500, "send UTF-8"},
		{"wrong media type", u11, "application/json", "", `{}`, 415, "is not accepted"},
		{"no such service", srv.URL + "/ws/soap/shop/v2", "text/xml", "", env11(`<missingItem xmlns="urn:test:shop"/>`), 404, "no SOAP 1.1 service"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := xmlHeader(tc.ct)
			if tc.action != "" {
				h.Set("SOAPAction", tc.action)
			}
			resp, body := post(t, tc.url, h, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d with %q:\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
			if !strings.Contains(body, ":Fault>") || !strings.Contains(body, "<f:executionId>"+resp.Header.Get(endpoint.ExecutionIDHeader)+"</f:executionId>") {
				t.Errorf("not a fault carrying the execution id: %s", body)
			}
			want := "text/xml; charset=utf-8"
			if strings.Contains(tc.url, "soap12") {
				want = "application/soap+xml; charset=utf-8"
			}
			if ct := resp.Header.Get("Content-Type"); ct != want {
				t.Errorf("Content-Type %q, want %q", ct, want)
			}
		})
	}
}

func TestWSDLAddressesAndMethods(t *testing.T) {
	t.Parallel()
	srv := newServer(t, &records{})
	get := func(path string, h http.Header) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	st, body := get("/ws/soap/shop/v1?wsdl", http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"api.example.com"}, "X-Forwarded-Prefix": {"/gw"}})
	for _, w := range []string{
		`<soap:address location="https://api.example.com/gw/ws/soap/shop/v1"/>`,
		`<soap12:address location="https://api.example.com/gw/ws/soap12/shop/v1"/>`,
		`schemaLocation="https://api.example.com/gw/ws/soap/shop/v1?xsd=1"`,
		`<soap:operation soapAction="urn:test:shop/echoItem" style="document"/>`,
		`name="ShopService"`,
	} {
		if st != 200 || !strings.Contains(body, w) {
			t.Errorf("?wsdl = %d, lacks %s:\n%s", st, w, body)
		}
	}
	st, body = get("/ws/soap12/shop/v1?wsdl=single", nil)
	if st != 200 || strings.Contains(body, "schemaLocation") || !strings.Contains(body, `<xsd:element name="echoItemResponse">`) ||
		!strings.Contains(body, `location="`+srv.URL+`/ws/soap12/shop/v1"`) {
		t.Errorf("?wsdl=single = %d, want the schema inline:\n%s", st, body)
	}
	st, body = get("/ws/soap/shop/v1?xsd=1", nil)
	for _, w := range []string{`<xsd:element name="n" type="xsd:long"/>`, `<xsd:element name="price" type="xsd:decimal" minOccurs="0"/>`,
		`<xsd:element name="tags" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/>`, `<xsd:element name="day" type="xsd:date" minOccurs="0"/>`,
		`<xsd:element name="note" type="xsd:string" minOccurs="0" nillable="true"/>`, `<xsd:element name="ok" type="xsd:boolean" minOccurs="0"/>`} {
		if st != 200 || !strings.Contains(body, w) {
			t.Errorf("?xsd=1 = %d, lacks %s", st, w)
		}
	}
	if st, body := get("/ws/soap/shop/v1", nil); st != 404 || !strings.Contains(body, "?wsdl") {
		t.Errorf("GET without ?wsdl = %d %s", st, body)
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/ws/soap/shop/v1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Errorf("DELETE = %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestUploadedWSDLAndVersions(t *testing.T) {
	t.Parallel()
	run := runFunc(func(in process.Input) (*process.Result, error) { return &process.Result{}, nil })
	uploaded := `<?xml version="1.0"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/" name="Mine"/>`
	spec := &model.APISpec{BasePath: "own", Version: "v1", SOAP: &model.SOAPSpec{Versions: []string{"1.2"}, WSDL: uploaded,
		Operations: []model.SOAPOperation{{Name: "ping", Process: "p"}}}}
	api, err := soap.Compile("own", spec, map[string]endpoint.RunnerWithSpec{"p": {Runner: run, Spec: &model.ProcessSpec{}}}, endpoint.Options{}, "")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := soap.NewRouter([]*soap.API{api})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/ws/soap12/own/v1?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != uploaded {
		t.Errorf("?wsdl = %s, want the uploaded document", b)
	}
	r2, body := post(t, srv.URL+"/ws/soap12/own/v1", xmlHeader("application/soap+xml"), env12(`<ping xmlns="urn:portico:own:v1"/>`))
	if r2.StatusCode != 200 || !strings.Contains(body, `<pingResponse xmlns="urn:portico:own:v1"`) {
		t.Errorf("1.2 call = %d %s", r2.StatusCode, body)
	}
	r1, body := post(t, srv.URL+"/ws/soap/own/v1", xmlHeader("text/xml"), env11(`<ping xmlns="urn:portico:own:v1"/>`))
	if r1.StatusCode != 404 || !strings.Contains(body, "no SOAP 1.1 service") {
		t.Errorf("1.1 call to a 1.2-only API = %d %s", r1.StatusCode, body)
	}
}

func ExampleCompile() {
	fmt.Println(soap.Prefix11, soap.Prefix12)
	// Output: /ws/soap /ws/soap12
}

func TestUnwrappedAnswers(t *testing.T) {
	t.Parallel()
	run := runFunc(func(in process.Input) (*process.Result, error) {
		return &process.Result{Documents: []any{map[string]any{"id": 3.0, "at": "2026-01-02 10:00:00", "paid": int64(1)}}}, nil
	})
	out := model.Schema{"type": "object", "properties": model.Schema{"id": model.Schema{"type": "integer"},
		"at": model.Schema{"type": "string", "format": "date-time"}, "paid": model.Schema{"type": "boolean"}}}
	spec := &model.APISpec{BasePath: "u", Version: "v1", SOAP: &model.SOAPSpec{Unwrapped: true,
		Operations: []model.SOAPOperation{{Name: "getOrder", Process: "p", Result: "order"}}}}
	api, err := soap.Compile("u", spec, map[string]endpoint.RunnerWithSpec{"p": {Runner: run, Spec: &model.ProcessSpec{Output: out}}}, endpoint.Options{}, "")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := soap.NewRouter([]*soap.API{api})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	resp, body := post(t, srv.URL+"/ws/soap/u/v1", xmlHeader("text/xml"), env11(`<getOrder xmlns="urn:portico:u:v1"/>`))
	want := `<soap:Body><order xmlns="urn:portico:u:v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><at>2026-01-02T10:00:00</at><id>3</id><paid>true</paid></order></soap:Body>`
	if resp.StatusCode != 200 || !strings.Contains(body, want) {
		t.Errorf("unwrapped answer = %d %s, want %s", resp.StatusCode, body, want)
	}
}

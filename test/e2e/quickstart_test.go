package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startQuickstart runs `portico quickstart ARGS` and waits until it has
// printed everything, up to "Stop with Ctrl+C.".
func startQuickstart(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	return startVerb(t, "quickstart", listeningRE, 120*time.Second, env, args...)
}

var labelledURL = regexp.MustCompile(`(?m)^  (API|OpenAPI|Docs|WSDL|Platform) +(http://\S+)`)

// quickstartURLs reads the labelled URLs of the summary.
func quickstartURLs(t *testing.T, out string) map[string]string {
	t.Helper()
	urls := map[string]string{}
	for _, m := range labelledURL.FindAllStringSubmatch(out, -1) {
		urls[m[1]] = m[2]
	}
	for _, k := range []string{"API", "OpenAPI", "Docs", "WSDL", "Platform"} {
		if urls[k] == "" {
			t.Fatalf("no %s URL in the output:\n%s", k, out)
		}
	}
	return urls
}

// curlRequest is one printed curl line, parsed.
type curlRequest struct {
	line, method, url, body string
	header                  http.Header
}

// curlLines parses the printed curl lines.
func curlLines(t *testing.T, out string) []curlRequest {
	t.Helper()
	var reqs []curlRequest
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "curl ") {
			reqs = append(reqs, parseCurl(t, l))
		}
	}
	if len(reqs) < 4 || len(reqs) > 6 {
		t.Fatalf("%d curl lines, want 4 to 6:\n%s", len(reqs), out)
	}
	return reqs
}

// shellWords splits a command line as a POSIX shell does, for the forms
// quickstart prints: plain words, '...' (with '\” inside) and \x.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.IndexByte("\"$`&|;<>(){}*?[]#~", c) >= 0:
			t.Fatalf("unquoted shell character %q in %s", c, line)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unterminated quote in %s", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// parseCurl reads curl's -X, -H, -d/--data and the URL.
func parseCurl(t *testing.T, line string) curlRequest {
	t.Helper()
	w := shellWords(t, line)
	r := curlRequest{line: line, header: http.Header{}}
	for i := 1; i < len(w); i++ {
		arg := func() string {
			if i+1 >= len(w) {
				t.Fatalf("%s without a value in %s", w[i], line)
			}
			i++
			return w[i]
		}
		switch w[i] {
		case "-X", "--request":
			r.method = arg()
		case "-H", "--header":
			k, v, ok := strings.Cut(arg(), ":")
			if !ok {
				t.Fatalf("header without a colon in %s", line)
			}
			r.header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "-d", "--data":
			r.body = arg()
		default:
			if strings.HasPrefix(w[i], "-") || r.url != "" {
				t.Fatalf("unexpected curl argument %q in %s", w[i], line)
			}
			r.url = w[i]
		}
	}
	if r.method == "" {
		r.method = http.MethodGet
		if r.body != "" {
			r.method = http.MethodPost // as curl does with -d
		}
	}
	if r.url == "" {
		t.Fatalf("no URL in %s", line)
	}
	return r
}

// do sends a request and returns status and body.
func do(t *testing.T, method, target string, header http.Header, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if header != nil {
		req.Header = header
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// checkCurl runs one printed line and checks that the answer is 2xx and
// fits the request: filters hold on every row, a sent body comes back, a
// read by key answers that key. It returns the answer's JSON.
func checkCurl(t *testing.T, r curlRequest) any {
	t.Helper()
	status, body := do(t, r.method, r.url, r.header, r.body)
	if status < 200 || status > 299 {
		t.Fatalf("%s: %d %s", r.line, status, body)
	}
	if r.method == http.MethodDelete {
		if status != http.StatusNoContent {
			t.Errorf("%s: %d, want 204", r.line, status)
		}
		return nil
	}
	var got any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: the answer is not JSON (%v): %s", r.line, err, body)
	}
	u, err := url.Parse(r.url)
	if err != nil {
		t.Fatal(err)
	}
	switch v := got.(type) {
	case []any:
		if len(v) == 0 {
			t.Errorf("%s: an empty list", r.line)
		}
		q := u.Query()
		if lim := q.Get("limit"); lim != "" && len(v) > atoi(t, lim) {
			t.Errorf("%s: %d rows, over the limit %s", r.line, len(v), lim)
		}
		for _, row := range v {
			obj, _ := row.(map[string]any)
			for k := range q {
				if k == "limit" || k == "offset" || k == "sort" {
					continue
				}
				if fmt.Sprint(obj[k]) != q.Get(k) {
					t.Errorf("%s: row %v does not match the filter %s=%s", r.line, obj, k, q.Get(k))
				}
			}
		}
	case map[string]any:
		if r.body != "" {
			var sent map[string]any
			if err := json.Unmarshal([]byte(r.body), &sent); err != nil {
				t.Fatalf("%s: the body is not JSON: %v", r.line, err)
			}
			for k, want := range sent {
				if fmt.Sprint(v[k]) != fmt.Sprint(want) {
					t.Errorf("%s: %s = %v in the answer, sent %v", r.line, k, v[k], want)
				}
			}
		}
		if r.method != http.MethodPost {
			if id := u.Path[strings.LastIndexByte(u.Path, '/')+1:]; fmt.Sprint(v["id"]) != id {
				t.Errorf("%s: answered id %v, want %s", r.line, v["id"], id)
			}
		}
	default:
		t.Errorf("%s: neither a list nor an object: %s", r.line, body)
	}
	return got
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// countCustomers lists every customer through the API.
func countCustomers(t *testing.T, api string) int {
	t.Helper()
	status, body := do(t, http.MethodGet, api+"/customers?limit=500", nil, "")
	var rows []any
	if status != http.StatusOK || json.Unmarshal(body, &rows) != nil {
		t.Fatalf("list customers: %d %s", status, body)
	}
	return len(rows)
}

func TestQuickstartFromACleanDataDirectory(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "portico-data")
	env := baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword)
	args := []string{"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data}

	qs := startQuickstart(t, env, args...)
	out := qs.Stdout()
	contains(t, "first quickstart", out,
		filepath.Join(data, "erp.db")+": created with 150 customers, 50 products, 250 orders",
		"30 created", "api/erp 1.0.0 created", "deployed to dev", "Try it:")
	if strings.Contains(out, "admin password:") {
		t.Errorf("a password was printed although PORTICO_ADMIN_PASSWORD is set:\n%s", out)
	}
	if strings.Contains(strings.ToLower(out), "api key") {
		t.Errorf("quickstart prints an API key, but none exist yet:\n%s", out)
	}
	urls := quickstartURLs(t, out)
	api := urls["API"]
	if !strings.HasSuffix(api, "/ws/rest/erp/v1") || urls["OpenAPI"] != api+"/openapi.json" || urls["Docs"] != api+"/docs" {
		t.Errorf("URLs: %v", urls)
	}
	if urls["Platform"] != qs.URL+"/api/v1" {
		t.Errorf("platform URL %s, want %s/api/v1", urls["Platform"], qs.URL)
	}

	status, body := do(t, http.MethodGet, urls["OpenAPI"], nil, "")
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &doc) != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") || doc.Paths["/customers"] == nil {
		t.Errorf("GET %s: %d, openapi %q, %d paths", urls["OpenAPI"], status, doc.OpenAPI, len(doc.Paths))
	}
	if status, body := do(t, http.MethodGet, urls["Docs"], nil, ""); status != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Errorf("GET %s: %d %.200s", urls["Docs"], status, body)
	}
	checkQuickstartSOAP(t, urls["WSDL"], strings.TrimSuffix(api, "/ws/rest/erp/v1"))
	if status, _ := do(t, http.MethodGet, urls["Platform"]+"/openapi.json", nil, ""); status != http.StatusOK {
		t.Errorf("GET %s/openapi.json: %d", urls["Platform"], status)
	}

	// Every printed line works, in the printed order.
	reqs := curlLines(t, out)
	methods := ""
	for _, r := range reqs {
		if !strings.HasPrefix(r.url, api+"/") {
			t.Errorf("%s: not a URL of the API %s", r.line, api)
		}
		methods += r.method + " "
		checkCurl(t, r)
	}
	if methods != "GET GET POST PATCH DELETE GET " {
		t.Errorf("methods of the curl lines: %s", methods)
	}
	// The lines leave the data as they found it.
	if n := countCustomers(t, api); n != 150 {
		t.Errorf("%d customers after the printed lines, want 150", n)
	}
	if code := qs.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("quickstart exited %d on SIGTERM, want 0\nstderr:\n%s", code, qs.Stderr())
	}
	contains(t, "stop", qs.Stdout(), "Portico runtime stopped", "Portico control plane stopped")

	// Again on the same data: nothing new, nothing duplicated.
	qs2 := startQuickstart(t, env, args...)
	out2 := qs2.Stdout()
	contains(t, "second quickstart", out2, "already there (150 customers", "30 unchanged", "api/erp 1.0.0 unchanged", "already active in dev")
	for _, bad := range []string{"created", "updated", "kept"} {
		if strings.Contains(out2[strings.Index(out2, "ERP sample:"):], bad) {
			t.Errorf("second quickstart says %q:\n%s", bad, out2)
		}
	}
	api2 := quickstartURLs(t, out2)["API"]
	if n := countCustomers(t, api2); n != 150 {
		t.Errorf("%d customers after the second quickstart, want 150", n)
	}
	// The printed lines still work (the new customer gets the same id again).
	for _, r := range curlLines(t, out2) {
		checkCurl(t, r)
	}
	admin := newUser(t, qs2.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	var events []struct {
		Component struct{ Kind, Name string }
		Version   string
		Action    string
		Active    bool
	}
	decodeJSON(t, admin.ok("deployments", "--env", "dev", "--history", "-o", "json"), &events)
	if len(events) != 1 || events[0].Version != "1.0.0" || !events[0].Active || events[0].Component.Name != "erp" {
		t.Errorf("deployment history of dev after two quickstarts: %+v, want one deploy of 1.0.0, active", events)
	}
	if code := qs2.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("second quickstart exited %d on SIGTERM, want 0", code)
	}
}

// checkQuickstartSOAP fetches the printed WSDL, which names the gateway as
// the service's address, and calls getCustomer over SOAP 1.1.
func checkQuickstartSOAP(t *testing.T, wsdlURL, gateway string) {
	t.Helper()
	if wsdlURL != gateway+"/ws/soap/erp/v1?wsdl" {
		t.Errorf("WSDL URL %s, want %s/ws/soap/erp/v1?wsdl", wsdlURL, gateway)
	}
	status, body := do(t, http.MethodGet, wsdlURL, nil, "")
	if status != http.StatusOK || !strings.Contains(string(body), `<soap:address location="`+gateway+`/ws/soap/erp/v1"/>`) ||
		!strings.Contains(string(body), `<wsdl:operation name="queryCustomers">`) {
		t.Errorf("GET %s: %d %.500s", wsdlURL, status, body)
	}
	req, err := http.NewRequest(http.MethodPost, gateway+"/ws/soap/erp/v1", strings.NewReader(
		`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><getCustomer xmlns="urn:portico:erp:v1"><id>1</id></getCustomer></s:Body></s:Envelope>`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"urn:portico:erp:v1/getCustomer"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "<getCustomerResponse") || !strings.Contains(string(b), "<id>1</id>") ||
		resp.Header.Get("X-Execution-Id") == "" {
		t.Errorf("SOAP getCustomer: %d %s", resp.StatusCode, b)
	}
}

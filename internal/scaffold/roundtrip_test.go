package scaffold_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/scaffold"
)

// serve generates the API of b's tables, compiles it as a runtime would
// and serves it over real HTTP.
func serve(t *testing.T, b backend) *httptest.Server {
	t.Helper()
	db, err := scaffold.Introspect(context.Background(), b.db, b.driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scaffold.Generate(db, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	conn := &model.Component{Kind: model.KindConnection, Name: "erp", Spec: &model.ConnectionSpec{
		Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: b.driver, DSN: model.Secret(b.dsn)}}}
	var comps []model.Component
	for _, c := range append([]*model.Component{conn}, res.Components...) {
		c.Revision = 1
		if c.Hash, err = c.ContentHash(); err != nil {
			t.Fatal(err)
		}
		comps = append(comps, *c)
	}
	root := model.Ref{Kind: model.KindAPI, Name: "erp"}
	snap := &model.Snapshot{Environment: "dev", Revision: 1, Deployments: []model.SnapshotDeployment{{
		Deployment: model.Deployment{Environment: "dev", Component: root, Version: "1.0.0", Active: true},
		Package:    model.Package{Component: root, Version: "1.0.0"},
		Components: comps,
	}}}
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(compiled.Close)
	srv := httptest.NewServer(compiled.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestCRUDRoundTrip(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		b.erpSchema(t)
		srv := serve(t, b)
		active := map[string]string{"mysql": `"active":1`}[b.driver]
		if active == "" {
			active = `"active":true`
		}
		// What each database says about the constraints the steps violate.
		emailKey := map[string]string{"sqlite": "a unique constraint on customers.email",
			"postgres": "unique constraint customers_email_key on customers.email", "mysql": "unique constraint email"}[b.driver]
		orderFK := map[string]string{"sqlite": "a foreign key constraint",
			"postgres": "foreign key constraint order_lines_order_id_fkey on order_lines.order_id",
			"mysql":    "foreign key constraint order_lines_ibfk_1 on order_lines.order_id"}[b.driver]
		linesKey := map[string]string{"sqlite": "a unique constraint on order_lines.order_id, order_lines.line_no",
			"postgres": "unique constraint order_lines_pkey on order_lines.order_id, order_lines.line_no",
			"mysql":    "unique constraint PRIMARY"}[b.driver]
		// Steps run in order: later ones see what earlier ones wrote.
		steps := []struct {
			name, method, path, body string
			status                   int
			want                     []string
			not                      []string
		}{
			{"list", "GET", "/customers", "", 200, []string{`"name":"Ada"`, `"name":"Linus"`}, nil},
			{"filter", "GET", "/customers?country=GB", "", 200, []string{`"name":"Ada"`}, []string{"Grace"}},
			{"filter by date", "GET", "/customers?since=1815-12-10", "", 200, []string{`"since":"1815-12-10"`}, []string{"Grace"}},
			{"filter bad date", "GET", "/customers?since=yesterday", "", 400, []string{`"code":"badFilter"`}, nil},
			{"filter bad type", "GET", "/customers?id=abc", "", 400, []string{`id`}, nil},
			{"sort descending", "GET", "/customers?sort=-name&limit=1", "", 200, []string{`[{"active"`, `"name":"Linus"`}, []string{"Ada"}},
			{"sort suffix", "GET", "/customers?sort=name:desc&limit=1", "", 200, []string{`"name":"Linus"`}, []string{"Ada"}},
			{"page", "GET", "/customers?sort=name&limit=1&offset=1", "", 200, []string{`"name":"Grace"`}, []string{"Ada", "Linus"}},
			{"sort not whitelisted", "GET", "/customers?sort=name%3BDROP%20TABLE%20customers", "", 400, []string{`"code":"badSort"`}, nil},
			{"limit too large", "GET", "/customers?limit=100000", "", 400, []string{`"code":"badPage"`}, nil},
			{"get", "GET", "/customers/1", "", 200, []string{`"email":"ada@example.com"`, active}, nil},
			{"get missing", "GET", "/customers/999", "", 404, []string{`"code":"notFound"`}, nil},
			{"wrong key type", "GET", "/customers/abc", "", 400, []string{`"code":"badKey"`}, nil},
			{"create", "POST", "/customers", `{"name":"Edsger","email":"ed@example.com"}`, 201, []string{`"id":4`, `"name":"Edsger"`, active, `"country":null`}, nil},
			{"unique violation", "POST", "/customers", `{"name":"Ada","email":"ada@example.com"}`, 409,
				[]string{`"status":409`, `"code":"uniqueViolation"`, `"detail":"the data violates ` + emailKey + `"`}, []string{"INSERT", "UNIQUE", "ada@"}},
			{"not null violation", "POST", "/customers", `{"name":null,"email":"x@example.com"}`, 400, []string{`"pointer":"/name"`}, []string{"INSERT"}},
			{"missing required", "POST", "/customers", `{"email":"x@example.com"}`, 400, []string{`name`}, nil},
			{"unknown field", "POST", "/customers", `{"name":"X","email":"x@example.com","nmae":"typo"}`, 400, []string{`nmae`}, nil},
			{"replace", "PUT", "/customers/1", `{"name":"Ada L.","email":"ada@example.com"}`, 200, []string{`"name":"Ada L."`, `"country":null`}, nil},
			{"replace missing", "PUT", "/customers/999", `{"name":"N","email":"n@example.com"}`, 404, []string{`"code":"notFound"`}, nil},
			{"patch one field", "PATCH", "/customers/2", `{"country":"FR"}`, 200, []string{`"country":"FR"`, `"name":"Grace"`, `"email":"grace@example.com"`}, nil},
			{"patch missing", "PATCH", "/customers/999", `{"country":"FR"}`, 404, nil, nil},
			{"patch to null", "PATCH", "/customers/2", `{"name":null}`, 400, []string{`"pointer":"/name"`}, nil},
			{"delete", "DELETE", "/customers/3", "", 204, nil, nil},
			{"delete again", "DELETE", "/customers/3", "", 404, []string{`"code":"notFound"`}, nil},
			{"gone", "GET", "/customers/3", "", 404, nil, nil},
			{"upsert inserts", "PUT", "/customers", `{"id":10,"name":"Barbara","email":"barbara@example.com"}`, 200, []string{`"id":10`, `"name":"Barbara"`}, nil},
			{"upsert updates", "PUT", "/customers", `{"id":10,"name":"Barbara L.","email":"barbara@example.com","country":"US"}`, 200, []string{`"name":"Barbara L."`, `"country":"US"`}, nil},
			{"upsert needs the key", "PUT", "/customers", `{"name":"K","email":"k@example.com"}`, 400, []string{`id`}, nil},
			{"reserved word table", "POST", "/order", `{"first name":"Grace","select":2}`, 201, []string{`"first name":"Grace"`, `"select":2`, `"id":2`}, nil},
			{"reserved word get", "GET", "/order/2", "", 200, []string{`"first name":"Grace"`}, nil},
			{"reserved word filter", "GET", "/order?first_name=Grace", "", 200, []string{`"select":2`}, []string{"Ada"}},
			{"reserved word sort", "GET", "/order?sort=-select", "", 200, []string{`[{"first name":"Grace"`}, nil},
			{"reserved word patch", "PATCH", "/order/1", `{"select":7}`, 200, []string{`"first name":"Ada"`, `"select":7`}, nil},
			{"composite get", "GET", "/order_lines/1/2", "", 200, []string{`"qty":3`}, nil},
			{"composite wrong type", "GET", "/order_lines/1/x", "", 400, []string{`line_no`}, nil},
			{"composite create", "POST", "/order_lines", `{"order_id":2,"line_no":1,"qty":9}`, 201, []string{`"qty":9`}, nil},
			{"foreign key violation", "POST", "/order_lines", `{"order_id":99,"line_no":1,"qty":1}`, 409,
				[]string{`"status":409`, `"code":"foreignKeyViolation"`, `"detail":"the data violates ` + orderFK + `"`}, []string{"FOREIGN", "REFERENCES", "INSERT"}},
			{"composite duplicate", "POST", "/order_lines", `{"order_id":1,"line_no":1,"qty":1}`, 409,
				[]string{`"code":"uniqueViolation"`, `"detail":"the data violates ` + linesKey + `"`}, []string{"INSERT"}},
			{"composite patch", "PATCH", "/order_lines/1/1", `{"qty":5}`, 200, []string{`"qty":5`, `"line_no":1`}, nil},
			{"composite replace", "PUT", "/order_lines/1/1", `{"qty":6}`, 200, []string{`"qty":6`}, nil},
			{"composite upsert", "PUT", "/order_lines", `{"order_id":1,"line_no":3,"qty":4}`, 200, []string{`"line_no":3`}, nil},
			{"composite delete", "DELETE", "/order_lines/1/2", "", 204, nil, nil},
			{"composite list", "GET", "/order_lines?order_id=1&sort=line_no", "", 200, []string{`"line_no":1`, `"line_no":3`}, []string{`"line_no":2`}},
			{"table without key lists", "GET", "/audit", "", 200, []string{`"what":"started"`}, nil},
			{"table without key is read-only", "POST", "/audit", `{"what":"x"}`, 405, nil, nil},
		}
		for _, s := range steps {
			req, err := http.NewRequest(s.method, srv.URL+"/ws/rest/erp/v1"+s.path, strings.NewReader(s.body))
			if err != nil {
				t.Fatal(err)
			}
			if s.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := string(body)
			if resp.StatusCode != s.status {
				t.Errorf("%s: %s %s = %d %s, want %d", s.name, s.method, s.path, resp.StatusCode, got, s.status)
				continue
			}
			for _, w := range s.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s: %s %s = %s, want it to contain %s", s.name, s.method, s.path, got, w)
				}
			}
			for _, n := range s.not {
				if strings.Contains(got, n) {
					t.Errorf("%s: %s %s = %s, must not contain %s", s.name, s.method, s.path, got, n)
				}
			}
		}
	})
}

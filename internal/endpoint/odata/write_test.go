package odata_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
)

func TestWrites(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, db *sqldb.DB) {
		schema(t, db)
		root := server(t, db).URL + "/ws/odata/erp/v1/"

		r := do(t, "POST", root+"Customers", `{"name":"Eve","email":"eve@example.com","createdAt":"2025-01-01T08:00:00Z","id":99,"@odata.type":"#ERP.Customer"}`)
		if r.status != 201 || r.json["id"] != 5.0 || r.json["version"] != 1.0 || r.header.Get("Location") != root+"Customers(5)" {
			t.Fatalf("POST = %d %s %v", r.status, r.body, r.header)
		}
		r = do(t, "GET", root+"Customers(5)", "")
		if r.json["createdAt"] != "2025-01-01T08:00:00Z" || r.json["city"] != nil {
			t.Errorf("created entity: %s", r.body)
		}
		r = do(t, "PATCH", root+"Customers(5)", `{"city":"Rome"}`, "If-Match", `W/"1"`)
		if r.status != 204 || r.header.Get("ETag") != `W/"2"` {
			t.Fatalf("PATCH = %d %s %v", r.status, r.body, r.header)
		}
		if r = do(t, "PATCH", root+"Customers(5)", `{"city":"Oslo"}`, "If-Match", `W/"1"`); r.status != 412 {
			t.Errorf("PATCH with a stale ETag = %d %s, want 412", r.status, r.body)
		}
		r = do(t, "GET", root+"Customers(5)", "")
		if r.json["city"] != "Rome" || r.json["name"] != "Eve" {
			t.Errorf("after PATCH: %s", r.body)
		}
		r = do(t, "PUT", root+"Customers(5)", `{"name":"Eve B","createdAt":"2025-01-02T00:00:00Z"}`, "Prefer", "return=representation")
		if r.status != 200 || r.json["city"] != nil || r.json["email"] != nil || r.json["name"] != "Eve B" || r.json["version"] != 3.0 {
			t.Errorf("PUT = %d %s", r.status, r.body)
		}
		if r = do(t, "DELETE", root+"Customers(5)", "", "If-Match", `W/"2"`); r.status != 412 {
			t.Errorf("DELETE with a stale ETag = %d, want 412", r.status)
		}
		if r = do(t, "DELETE", root+"Customers(5)", "", "If-Match", `W/"3"`); r.status != 204 {
			t.Errorf("DELETE = %d %s", r.status, r.body)
		}
		if r = do(t, "GET", root+"Customers(5)", ""); r.status != 404 {
			t.Errorf("GET after DELETE = %d", r.status)
		}
		if r = do(t, "DELETE", root+"Customers(5)", ""); r.status != 404 {
			t.Errorf("second DELETE = %d", r.status)
		}
		if r = do(t, "PATCH", root+"Customers(77)", `{"city":"x"}`); r.status != 404 {
			t.Errorf("PATCH of a missing entity = %d", r.status)
		}

		r = do(t, "POST", root+"OrderLines", `{"orderId":11,"lineNo":1,"sku":"C3","quantity":4}`)
		if r.status != 201 || r.header.Get("Location") != root+"OrderLines("+url.PathEscape("orderId=11,lineNo=1")+")" {
			t.Errorf("POST with a composite key = %d %s %v", r.status, r.body, r.header)
		}
		if r = do(t, "PATCH", root+"OrderLines(orderId=11,lineNo=1)", `{"quantity":6}`); r.status != 204 {
			t.Errorf("PATCH of a composite key = %d %s", r.status, r.body)
		}
		if r = do(t, "GET", root+"OrderLines(orderId=11,lineNo=1)/quantity/$value", ""); string(r.body) != "6" {
			t.Errorf("after PATCH: %s", r.body)
		}
		r = do(t, "POST", root+"Customers", `{"name":"Eve","createdAt":"2025-01-01T08:00:00Z"}`, "Prefer", "return=minimal")
		if r.status != 204 || r.header.Get("OData-EntityId") == "" || r.header.Get("Location") == "" {
			t.Errorf("POST return=minimal = %d %v", r.status, r.header)
		}

		// Bad writes are refused and change nothing.
		before := string(do(t, "GET", root+"Customers?$orderby=id", "").body)
		bad := []struct {
			name, method, path, body, ctype string
			status                          int
			code                            string
		}{
			{"unknown property", "POST", "Customers", `{"name":"X","createdAt":"2025-01-01T00:00:00Z","nope":1}`, "", 400, "unknownProperty"},
			{"wrong type", "POST", "Customers", `{"name":5,"createdAt":"2025-01-01T00:00:00Z"}`, "", 400, "typeMismatch"},
			{"bad date-time", "POST", "Customers", `{"name":"X","createdAt":"yesterday"}`, "", 400, "typeMismatch"},
			{"missing required", "POST", "Customers", `{"email":"x@example.com"}`, "", 400, "badRequest"},
			{"null for non-nullable", "PATCH", "Customers(1)", `{"name":null}`, "", 400, "typeMismatch"},
			{"unique violation", "POST", "Customers", `{"name":"X","email":"alice@example.com","createdAt":"2025-01-01T00:00:00Z"}`, "", 409, "uniqueViolation"},
			{"foreign key violation", "POST", "Orders", `{"id":50,"customerId":999,"orderDate":"2025-01-01","status":"new","total":1}`, "", 409, "foreignKeyViolation"},
			{"key change", "PATCH", "Customers(1)", `{"id":2}`, "", 400, "badRequest"},
			{"not JSON", "POST", "Customers", `{"name":`, "", 400, "syntaxError"},
			{"array body", "POST", "Customers", `[1]`, "", 400, "syntaxError"},
			{"wrong media type", "POST", "Customers", `name=x`, "text/plain", 415, "unsupportedMediaType"},
			{"deep insert", "POST", "Customers", `{"name":"X","createdAt":"2025-01-01T00:00:00Z","Orders":[]}`, "", 501, "notImplemented"},
			{"POST to an entity", "POST", "Customers(1)", `{}`, "", 405, "methodNotAllowed"},
			{"DELETE a collection", "DELETE", "Customers", ``, "", 405, "methodNotAllowed"},
			{"malformed If-Match", "DELETE", "Customers(1)", ``, "", 412, "preconditionFailed"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				h := []string{}
				if tc.ctype != "" {
					h = append(h, "Content-Type", tc.ctype)
				}
				if tc.name == "malformed If-Match" {
					h = append(h, "If-Match", "nonsense")
				}
				r := do(t, tc.method, root+tc.path, tc.body, h...)
				e, _ := r.json["error"].(map[string]any)
				if r.status != tc.status || e == nil || e["code"] != tc.code || e["message"] == "" {
					t.Errorf("%s %s = %d %s, want %d %s", tc.method, tc.path, r.status, r.body, tc.status, tc.code)
				}
				if strings.Contains(strings.ToLower(string(r.body)), "insert into") {
					t.Errorf("the error shows SQL: %s", r.body)
				}
			})
		}
		if after := string(do(t, "GET", root+"Customers?$orderby=id", "").body); after != before {
			t.Errorf("refused writes changed the data:\n%s\n%s", before, after)
		}
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	db := openBackend(t, "sqlite")
	schema(t, db)
	root := server(t, db).URL + "/ws/odata/erp/v1/"
	f := func(filter string) string { return "Customers?$filter=" + url.QueryEscape(filter) }
	tests := []struct {
		name   string
		path   string
		status int
		code   string
		inMsg  string
	}{
		{"syntax error names the position", f("name eq"), 400, "syntaxError", "position 7"},
		{"unterminated string", f("name eq 'abc"), 400, "syntaxError", "position 8"},
		{"unbalanced parenthesis", f("(id eq 1"), 400, "syntaxError", "position 8"},
		{"unknown property", f("nope eq 1"), 400, "unknownProperty", "nope"},
		{"type mismatch", f("name eq 1"), 400, "typeMismatch", "Edm.String"},
		{"not a condition", f("name"), 400, "typeMismatch", "boolean"},
		{"unknown function", f("frobnicate(name)"), 400, "unknownProperty", "frobnicate"},
		{"wrong arity", f("contains(name)"), 400, "typeMismatch", "contains"},
		{"has", f("name has 'x'"), 501, "notImplemented", "has"},
		{"lambda", f("Orders/any(o:o/total gt 1)"), 501, "notImplemented", "Orders"},
		{"round", f("round(id) eq 1"), 501, "notImplemented", "round"},
		{"alias", "Customers?$filter=name%20eq%20@n&@n='Alice'", 501, "notImplemented", "alias"},
		{"date arithmetic", f("createdAt add duration'P1D' gt now()"), 501, "notImplemented", ""},
		{"too many literals", f("id in (" + strings.Repeat("1,", 1000) + "1)"), 400, "limitExceeded", "literals"},
		{"too deep", f(strings.Repeat("(", 100) + "id eq 1" + strings.Repeat(")", 100)), 400, "limitExceeded", "deeper"},
		{"$search", "Customers?$search=alice", 501, "notImplemented", "$search"},
		{"$apply", "Customers?$apply=groupby((city))", 501, "notImplemented", "$apply"},
		{"unknown option", "Customers?$frob=1", 400, "badRequest", "$frob"},
		{"negative $top", "Customers?$top=-1", 400, "badRequest", "$top"},
		{"$top not a number", "Customers?$top=ten", 400, "badRequest", "$top"},
		{"repeated option", "Customers?$top=1&$top=2", 400, "badRequest", "more than once"},
		{"unknown $select", "Customers?$select=nope", 400, "unknownProperty", "nope"},
		{"unknown $orderby", "Customers?$orderby=nope", 400, "unknownProperty", "nope"},
		{"bad $orderby", "Customers?$orderby=name%20sideways", 400, "syntaxError", "position"},
		{"unknown $expand", "Customers?$expand=Nope", 400, "unknownProperty", "Nope"},
		{"expand too deep", "Customers?$expand=Orders($expand=Lines($expand=Order))", 400, "limitExceeded", "2 levels"},
		{"expand *", "Customers?$expand=*", 501, "notImplemented", "*"},
		{"$format xml", "Customers?$format=xml", 501, "notImplemented", "xml"},
		{"unknown set", "Nope", 404, "notFound", "Nope"},
		{"missing entity", "Customers(99)", 404, "notFound", ""},
		{"key type", "Customers('x')", 400, "typeMismatch", "Edm.Int32"},
		{"composite key by position", "OrderLines(10)", 400, "badRequest", "orderId="},
		{"composite key incomplete", "OrderLines(orderId=10)", 400, "badRequest", "lineNo"},
		{"unknown key property", "OrderLines(orderId=10,nope=1)", 400, "unknownProperty", "nope"},
		{"unknown property segment", "Customers(1)/nope", 404, "unknownProperty", "nope"},
		{"$batch", "$batch", 501, "notImplemented", "$batch"},
		{"$ref", "Customers(1)/Orders/$ref", 501, "notImplemented", "$ref"},
		{"$filter on one entity", "Customers(1)?$filter=id%20eq%201", 400, "badRequest", "$filter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, "GET", root+tc.path, "")
			e, _ := r.json["error"].(map[string]any)
			if r.status != tc.status || e == nil || e["code"] != tc.code || !strings.Contains(e["message"].(string)+" "+str(e["target"]), tc.inMsg) {
				t.Errorf("GET %s = %d %s, want %d %s mentioning %q", tc.path, r.status, r.body, tc.status, tc.code, tc.inMsg)
			}
			if r.header.Get("OData-Version") != "4.0" || r.header.Get("X-Execution-Id") == "" {
				t.Errorf("headers %v", r.header)
			}
		})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

package odata_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
)

// TestQueries runs the query options of the OData v4.01 URL conventions
// (section 5.1) against every database.
func TestQueries(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, db *sqldb.DB) {
		schema(t, db)
		root := server(t, db).URL + "/ws/odata/erp/v1/"
		f := func(set, filter string) string { return root + set + "?$filter=" + url.QueryEscape(filter) }
		n := func(v ...float64) []any {
			out := []any{}
			for _, x := range v {
				out = append(out, x)
			}
			return out
		}
		tests := []struct {
			name string
			url  string
			key  string
			want []any
		}{
			{"all", root + "Customers", "id", n(1, 2, 3, 4)},
			{"eq string", f("Customers", "name eq 'Alice'"), "id", n(1)},
			{"quote in literal", f("Customers", "name eq 'O''Brien'"), "id", n(3)},
			{"injection stays a literal", f("Customers", "name eq 'x'' or 1=1 --'"), "id", n()},
			{"injection in function", f("Customers", "contains(name, ''')--')"), "id", n()},
			{"ne keeps nulls", f("Customers", "city ne 'Paris'"), "id", n(2, 3)},
			{"not keeps nulls", f("Customers", "not (city eq 'Paris')"), "id", n(2, 3)},
			{"eq null", f("Customers", "email eq null"), "id", n(2)},
			{"ne null", f("Customers", "city ne null"), "id", n(1, 2, 4)},
			{"and or parentheses", f("Customers", "(city eq 'Paris' or city eq 'Berlin') and id gt 1"), "id", n(2, 4)},
			{"precedence", f("Customers", "id eq 1 or id eq 2 and city eq 'Paris'"), "id", n(1)},
			{"in", f("Customers", "id in (1, 3)"), "id", n(1, 3)},
			{"in with null", f("Customers", "city in ('Berlin', null)"), "id", n(2, 3)},
			{"contains", f("Customers", "contains(name, 'li')"), "id", n(1)},
			{"startswith", f("Customers", "startswith(name, 'Al')"), "id", n(1)},
			{"endswith", f("Customers", "endswith(email, 'example.com')"), "id", n(1, 3, 4)},
			{"endswith longer than value", f("Customers", "endswith(name, 'xxAlice')"), "id", n()},
			{"tolower", f("Customers", "tolower(name) eq 'dora'"), "id", n(4)},
			{"toupper", f("Customers", "toupper(city) eq 'BERLIN'"), "id", n(2)},
			{"length", f("Customers", "length(name) gt 4"), "id", n(1, 3)},
			{"indexof", f("Customers", "indexof(name, 'ra') eq 2"), "id", n(4)},
			{"substring", f("Customers", "substring(name, 1, 2) eq 'li'"), "id", n(1)},
			{"substring to end", f("Customers", "substring(name, 3) eq 'ce'"), "id", n(1)},
			{"trim concat", f("Customers", "concat(trim(name), city) eq 'AliceParis'"), "id", n(1)},
			{"year", f("Customers", "year(createdAt) eq 2024"), "id", n(1, 2, 3)},
			{"month day", f("Customers", "month(createdAt) eq 2 and day(createdAt) eq 10"), "id", n(2)},
			{"hour minute second", f("Customers", "hour(createdAt) eq 12 and minute(createdAt) eq 30 and second(createdAt) eq 0"), "id", n(2)},
			{"date of datetime", f("Customers", "date(createdAt) eq 2024-03-15"), "id", n(3)},
			{"time of datetime", f("Customers", "time(createdAt) lt 09:00:00"), "id", n(3, 4)},
			{"datetimeoffset", f("Customers", "createdAt gt 2024-02-01T00:00:00Z"), "id", n(2, 3, 4)},
			{"datetimeoffset with offset", f("Customers", "createdAt lt 2024-01-05T11:30:00+01:00"), "id", n(1)},
			{"now", f("Customers", "createdAt lt now()"), "id", n(1, 2, 3, 4)},
			{"date", f("Orders", "orderDate eq 2024-01-06"), "id", n(10)},
			{"date range", f("Orders", "orderDate ge 2024-02-01 and orderDate le 2024-02-28"), "id", n(11, 12)},
			{"year of date", f("Orders", "year(orderDate) eq 2024 and month(orderDate) eq 2"), "id", n(11, 12)},
			{"decimal", f("Orders", "total gt 50"), "id", n(10, 12)},
			{"decimal literal", f("Orders", "total eq 75.25"), "id", n(12)},
			{"arithmetic", f("Orders", "total mul 2 gt 150"), "id", n(10, 12)},
			{"add sub", f("Orders", "total add 0.5 sub 1 eq 100"), "id", n(10)},
			{"div", f("Customers", "id div 2 eq 1"), "id", n(2, 3)},
			{"div decimal", f("Orders", "total div 2 gt 40"), "id", n(10)},
			{"mod", f("Customers", "id mod 2 eq 0"), "id", n(2, 4)},
			{"div by zero matches nothing", f("Customers", "id div 0 eq 1"), "id", n()},
			{"negation", f("Customers", "-id lt -3"), "id", n(4)},
			{"orderby desc", root + "Customers?$orderby=name%20desc", "id", n(3, 4, 2, 1)},
			{"orderby several", root + "Orders?$orderby=customerId%20desc,total", "id", n(12, 11, 10)},
			{"orderby expression", root + "Customers?$orderby=length(name),id%20desc", "id", n(2, 4, 1, 3)},
			{"top skip", root + "Customers?$orderby=id&$top=2&$skip=1", "id", n(2, 3)},
			{"top zero", root + "Customers?$top=0", "id", n()},
			{"navigation", root + "Customers(1)/Orders", "id", n(10, 11)},
			{"navigation with filter", root + "Customers(1)/Orders?$filter=" + url.QueryEscape("status eq 'new'"), "id", n(11)},
			{"navigation of a composite key", root + "Orders(10)/Lines", "lineNo", n(1, 2)},
			{"custom options are ignored", root + "Customers?$top=1&debug=1", "id", n(1)},
			{"system options without $ (4.01)", root + "Customers?filter=id%20eq%202", "id", n(2)},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := do(t, "GET", tc.url, "")
				if r.status != 200 {
					t.Fatalf("GET %s = %d %s", tc.url, r.status, r.body)
				}
				if got := ids(r, tc.key); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("GET %s: %s = %v, want %v", tc.url, tc.key, got, tc.want)
				}
			})
		}
	})
}

func TestShapes(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, db *sqldb.DB) {
		schema(t, db)
		root := server(t, db).URL + "/ws/odata/erp/v1/"

		r := do(t, "GET", root, "")
		if r.status != 200 || r.header.Get("OData-Version") != "4.0" || r.json["@odata.context"] != root+"$metadata" {
			t.Fatalf("service document: %d %v %s", r.status, r.header, r.body)
		}
		if v := r.json["value"].([]any); len(v) != 3 || v[0].(map[string]any)["url"] != "Customers" {
			t.Errorf("service document lists %v", v)
		}

		r = do(t, "GET", root+"Customers(1)", "")
		if r.status != 200 || r.json["name"] != "Alice" || r.json["createdAt"] != "2024-01-05T10:00:00Z" ||
			r.json["@odata.context"] != root+"$metadata#Customers/$entity" || r.json["@odata.etag"] != `W/"1"` || r.header.Get("ETag") != `W/"1"` {
			t.Errorf("entity: %d %s %v", r.status, r.body, r.header)
		}
		if r = do(t, "GET", root+"Customers(1)", "", "If-None-Match", `W/"1"`); r.status != 304 {
			t.Errorf("If-None-Match with the current ETag = %d, want 304", r.status)
		}
		if r = do(t, "GET", root+"Customers(1)", "", "If-None-Match", `W/"0"`); r.status != 200 {
			t.Errorf("If-None-Match with an old ETag = %d, want 200", r.status)
		}
		r = do(t, "GET", root+"Orders(10)", "")
		if r.json["total"] != 100.5 || r.json["orderDate"] != "2024-01-06" || r.json["customerId"] != 1.0 {
			t.Errorf("order: %s", r.body)
		}
		r = do(t, "GET", root+"OrderLines(orderId=10,lineNo=2)", "")
		if r.status != 200 || r.json["sku"] != "B2" {
			t.Errorf("composite key: %d %s", r.status, r.body)
		}
		r = do(t, "GET", root+"OrderLines(lineNo=1,orderId=12)", "")
		if r.status != 200 || r.json["quantity"] != 5.0 {
			t.Errorf("composite key in another order: %d %s", r.status, r.body)
		}

		r = do(t, "GET", root+"Customers?$select=id,name&$filter=id%20eq%201", "")
		if v := r.json["value"].([]any)[0].(map[string]any); len(v) != 3 || v["name"] != "Alice" || r.json["@odata.context"] != root+"$metadata#Customers(id,name)" {
			t.Errorf("$select: %s", r.body)
		}
		r = do(t, "GET", root+"Customers?$count=true&$filter=city%20eq%20'Paris'&$top=1", "")
		if r.json["@odata.count"] != 2.0 || len(r.json["value"].([]any)) != 1 {
			t.Errorf("$count=true: %s", r.body)
		}
		for u, want := range map[string]string{
			"Customers/$count": "4", "Customers/$count?$filter=city%20eq%20'Paris'": "2", "Customers(1)/Orders/$count": "2",
			"Customers(1)/name/$value": "Alice", "Orders(10)/total/$value": "100.5",
		} {
			r = do(t, "GET", root+u, "")
			if r.status != 200 || string(r.body) != want || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
				t.Errorf("GET %s = %d %q %s, want %q", u, r.status, r.body, r.header.Get("Content-Type"), want)
			}
		}
		r = do(t, "GET", root+"Customers(1)/name", "")
		if r.json["value"] != "Alice" || r.json["@odata.context"] != root+"$metadata#Customers(1)/name" {
			t.Errorf("property: %s", r.body)
		}
		if r = do(t, "GET", root+"Customers(2)/email", ""); r.status != 204 {
			t.Errorf("null property = %d, want 204", r.status)
		}
		r = do(t, "GET", root+"Orders(12)/Customer", "")
		if r.status != 200 || r.json["name"] != "Bob" {
			t.Errorf("to-one navigation: %d %s", r.status, r.body)
		}
		r = do(t, "GET", root+"Customers(1)/Orders(11)", "")
		if r.status != 200 || r.json["status"] != "new" {
			t.Errorf("navigation with key: %d %s", r.status, r.body)
		}
		if r = do(t, "GET", root+"Customers(2)/Orders(10)", ""); r.status != 404 {
			t.Errorf("an order of another customer = %d, want 404", r.status)
		}

		// $expand, to-many and to-one, with nested options.
		r = do(t, "GET", root+"Customers?$filter=id%20le%202&$expand=Orders($select=id,total;$orderby=id%20desc)", "")
		vals := r.json["value"].([]any)
		if len(vals) != 2 {
			t.Fatalf("$expand: %d %s", r.status, r.body)
		}
		orders, _ := vals[0].(map[string]any)["Orders"].([]any)
		if len(orders) != 2 || orders[0].(map[string]any)["id"] != 11.0 || len(orders[0].(map[string]any)) != 2 {
			t.Errorf("expanded orders of Alice: %v", orders)
		}
		r = do(t, "GET", root+"Customers(1)?$expand=Orders($filter=status%20eq%20'paid';$expand=Lines($top=1))", "")
		orders = r.json["Orders"].([]any)
		if len(orders) != 1 || len(orders[0].(map[string]any)["Lines"].([]any)) != 1 {
			t.Errorf("nested $expand: %s", r.body)
		}
		r = do(t, "GET", root+"Orders?$expand=Customer($select=name),Lines&$orderby=id", "")
		vals, _ = r.json["value"].([]any)
		if len(vals) != 3 || vals[2].(map[string]any)["Customer"].(map[string]any)["name"] != "Bob" ||
			len(vals[0].(map[string]any)["Lines"].([]any)) != 2 || len(vals[1].(map[string]any)["Lines"].([]any)) != 0 {
			t.Errorf("to-one $expand: %s", r.body)
		}

		// Server-driven paging.
		r = do(t, "GET", root+"Customers?$orderby=id", "", "Prefer", "odata.maxpagesize=3")
		next, _ := r.json["@odata.nextLink"].(string)
		if got := ids(r, "id"); len(got) != 3 || next == "" || r.header.Get("Preference-Applied") != "odata.maxpagesize=3" {
			t.Fatalf("first page: %v %s %v", got, next, r.header)
		}
		r = do(t, "GET", next, "", "Prefer", "odata.maxpagesize=3")
		if got := ids(r, "id"); !reflect.DeepEqual(got, []any{4.0}) || r.json["@odata.nextLink"] != nil {
			t.Errorf("second page: %s", r.body)
		}
		r = do(t, "GET", root+"Customers?$top=3", "", "Prefer", "odata.maxpagesize=2")
		next, _ = r.json["@odata.nextLink"].(string)
		if r = do(t, "GET", next, "", "Prefer", "odata.maxpagesize=2"); len(ids(r, "id")) != 1 || r.json["@odata.nextLink"] != nil {
			t.Errorf("$top ends the paging: %s", r.body)
		}

		r = do(t, "GET", root+"$metadata", "")
		if r.status != 200 || !strings.Contains(string(r.body), `<EntityType Name="OrderLine">`) ||
			!strings.Contains(string(r.body), `<NavigationProperty Name="Orders" Type="Collection(ERP.Order)">`) {
			t.Errorf("$metadata: %d %s", r.status, r.body)
		}
		r = do(t, "GET", root+"$metadata?$format=json", "")
		if r.json["$Version"] != "4.0" || r.json["ERP"].(map[string]any)["Customer"].(map[string]any)["$Key"] == nil {
			t.Errorf("$metadata JSON: %s", r.body)
		}
	})
}

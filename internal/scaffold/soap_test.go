package scaffold_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/scaffold"
)

// TestSOAPGeneration: gen db --soap exposes the REST processes as SOAP
// operations of the same API, keys typed by their columns, a document
// beside a key in an element named after the row.
func TestSOAPGeneration(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, `CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, sku TEXT NOT NULL, PRIMARY KEY (order_id, line_no))`)
	in, err := scaffold.Introspect(context.Background(), db, "sqlite", []string{"order_lines"})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := scaffold.NewGenerator(scaffold.StyleSOAP)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gen.Generate(in, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	api := res.Components[len(res.Components)-1].Spec.(*model.APISpec)
	if api.SOAP == nil || len(api.Endpoints) != 7 {
		t.Fatalf("api %+v", api)
	}
	ops := map[string]model.SOAPOperation{}
	for _, op := range api.SOAP.Operations {
		ops[op.Name] = op
	}
	want := map[string]string{
		"queryOrderLines": "listOrderLines", "getOrderLine": "getOrderLine", "createOrderLine": "createOrderLine",
		"updateOrderLine": "replaceOrderLine", "patchOrderLine": "patchOrderLine", "upsertOrderLine": "upsertOrderLine",
		"deleteOrderLine": "deleteOrderLine",
	}
	for name, proc := range want {
		if op, ok := ops[name]; !ok || op.Process != proc || op.Result != "orderLine" {
			t.Errorf("%s: %+v, want process %s with result orderLine", name, op, proc)
		}
	}
	get := ops["getOrderLine"]
	if len(get.Parameters) != 2 || get.Parameters[0].Name != "order_id" || get.Parameters[0].Type != "integer" ||
		!get.Parameters[0].Required || get.Parameters[0].ParameterProperty() != "param_order_id" || get.Body != "" {
		t.Errorf("getOrderLine: %+v", get)
	}
	if up := ops["updateOrderLine"]; up.Body != "orderLine" || len(up.Parameters) != 2 {
		t.Errorf("updateOrderLine: %+v", up)
	}
	if c := ops["createOrderLine"]; c.Body != "" || len(c.Parameters) != 0 {
		t.Errorf("createOrderLine carries its row in the operation element: %+v", c)
	}
	q := ops["queryOrderLines"]
	props := map[string]string{}
	for _, p := range q.Parameters {
		props[p.Name] = p.ParameterProperty() + ":" + p.Type
	}
	if props["limit"] != "query_limit:integer" || props["sku"] != "query_sku:string" || props["order_id"] != "query_order_id:integer" {
		t.Errorf("queryOrderLines parameters: %v", props)
	}
}

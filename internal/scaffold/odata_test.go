package scaffold_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/scaffold"
	"github.com/portico-dev/portico/internal/scaffold/sample"
)

// TestODataFromTheSample generates entity sets from the ERP sample: keys
// (one composite), types, navigation both ways from every foreign key.
func TestODataFromTheSample(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "erp.db")
	if _, err := sample.Create(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", sample.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, `CREATE TABLE log (line TEXT)`)
	in, err := scaffold.Introspect(context.Background(), db, "sqlite", append(slices.Clone(sample.Tables), "log"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := scaffold.NewGenerator(scaffold.StyleOData)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Generate(in, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Components) != 1 || !slices.ContainsFunc(res.Warnings, func(w string) bool { return w == "table log has no primary key: it is not an OData entity set" }) {
		t.Fatalf("components %d, warnings %v", len(res.Components), res.Warnings)
	}
	spec := res.Components[0].Spec.(*model.APISpec).OData
	sets := map[string]*model.ODataEntitySet{}
	for i := range spec.EntitySets {
		sets[spec.EntitySets[i].Name] = &spec.EntitySets[i]
	}
	lines, orders, customers := sets["OrderLines"], sets["Orders"], sets["Customers"]
	if lines == nil || orders == nil || customers == nil || sets["Products"] == nil {
		t.Fatalf("entity sets %v", spec.EntitySets)
	}
	if !slices.Equal(lines.Key, []string{"orderId", "lineNo"}) || lines.EntityType != "OrderLine" || lines.Table != "order_lines" {
		t.Errorf("OrderLines: key %v, type %s, table %s", lines.Key, lines.EntityType, lines.Table)
	}
	if p := lines.Property("unitPrice"); p == nil || p.Type != "Edm.Decimal" || p.Column != "unit_price" || p.Precision != 10 || p.Scale != 2 {
		t.Errorf("unitPrice: %+v", p)
	}
	if p := orders.Property("orderDate"); p == nil || p.Type != "Edm.Date" || p.IsNullable() {
		t.Errorf("orderDate: %+v", p)
	}
	if p := customers.Property("createdAt"); p == nil || p.Type != "Edm.DateTimeOffset" || !p.Default {
		t.Errorf("createdAt: %+v", p)
	}
	if p := customers.Property("id"); p == nil || !p.Computed || p.IsNullable() {
		t.Errorf("id: %+v", p)
	}
	nav := func(es *model.ODataEntitySet, name string) *model.ODataNavigation {
		for i := range es.Navigation {
			if es.Navigation[i].Name == name {
				return &es.Navigation[i]
			}
		}
		return nil
	}
	if n := nav(orders, "Customer"); n == nil || n.Many || n.Target != "Customers" || n.On["customerId"] != "id" {
		t.Errorf("Orders/Customer: %+v", n)
	}
	if n := nav(customers, "Orders"); n == nil || !n.Many || n.On["id"] != "customerId" {
		t.Errorf("Customers/Orders: %+v", n)
	}
	if n := nav(orders, "OrderLines"); n == nil || !n.Many || n.On["id"] != "orderId" {
		t.Errorf("Orders/OrderLines: %+v (all: %+v)", n, orders.Navigation)
	}
}

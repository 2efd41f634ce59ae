package csdl_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/csdl"
)

func service(t *testing.T) *query.Service {
	t.Helper()
	f := false
	svc, err := query.NewService(&model.ODataSpec{Namespace: "Shop", EntitySets: []model.ODataEntitySet{
		{Name: "Orders", EntityType: "Order", Connection: "db", Table: "orders", Key: []string{"id"},
			Properties: []model.ODataProperty{{Name: "id", Type: "Edm.Int64", Nullable: &f}, {Name: "customerId", Type: "Edm.Int64"},
				{Name: "total", Type: "Edm.Decimal", Precision: 10, Scale: 2, Nullable: &f}},
			Navigation: []model.ODataNavigation{{Name: "Customer", Target: "Customers", On: map[string]string{"customerId": "id"}}}},
		{Name: "Customers", EntityType: "Customer", Connection: "db", Table: "customers", Key: []string{"id"},
			Properties: []model.ODataProperty{{Name: "id", Type: "Edm.Int64", Nullable: &f}, {Name: "name", Type: "Edm.String", MaxLength: 80}},
			Navigation: []model.ODataNavigation{{Name: "Orders", Target: "Orders", Many: true, On: map[string]string{"id": "customerId"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestXML(t *testing.T) {
	t.Parallel()
	b, err := csdl.XML(service(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Version string `xml:"Version,attr"`
		Schema  struct {
			Namespace string `xml:"Namespace,attr"`
			Types     []struct {
				Name string `xml:"Name,attr"`
				Navs []struct {
					Name, Type  string `xml:",attr"`
					Nullable    string `xml:",attr"`
					Constraints []struct {
						Property, ReferencedProperty string `xml:",attr"`
					} `xml:"ReferentialConstraint"`
				} `xml:"NavigationProperty"`
			} `xml:"EntityType"`
			Container struct {
				Name string `xml:",attr"`
				Sets []struct {
					Name, EntityType string `xml:",attr"`
					Bindings         []struct {
						Path, Target string `xml:",attr"`
					} `xml:"NavigationPropertyBinding"`
				} `xml:"EntitySet"`
			} `xml:"EntityContainer"`
		} `xml:"DataServices>Schema"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b)
	}
	if doc.XMLName.Space != "http://docs.oasis-open.org/odata/ns/edmx" || doc.XMLName.Local != "Edmx" || doc.Version != "4.0" || doc.Schema.Namespace != "Shop" {
		t.Errorf("envelope: %+v", doc.XMLName)
	}
	order := doc.Schema.Types[0]
	if order.Name != "Order" || len(order.Navs) != 1 || order.Navs[0].Type != "Shop.Customer" || order.Navs[0].Nullable != "" ||
		len(order.Navs[0].Constraints) != 1 || order.Navs[0].Constraints[0].Property != "customerId" || order.Navs[0].Constraints[0].ReferencedProperty != "id" {
		t.Errorf("Order: %+v", order)
	}
	if nav := doc.Schema.Types[1].Navs[0]; nav.Type != "Collection(Shop.Order)" {
		t.Errorf("Customer/Orders: %+v", nav)
	}
	sets := doc.Schema.Container.Sets
	if len(sets) != 2 || sets[0].EntityType != "Shop.Order" || sets[1].Bindings[0].Target != "Orders" {
		t.Errorf("container: %+v", doc.Schema.Container)
	}
	for _, want := range []string{`<Property Name="total" Type="Edm.Decimal" Nullable="false" Precision="10" Scale="2">`, `<Property Name="name" Type="Edm.String" MaxLength="80">`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("no %s in\n%s", want, b)
		}
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	b, err := csdl.JSON(service(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	ns := doc["Shop"].(map[string]any)
	order := ns["Order"].(map[string]any)
	// CSDL JSON: not nullable unless $Nullable says so; Edm.String by default.
	if order["$Kind"] != "EntityType" || order["id"].(map[string]any)["$Nullable"] != nil || order["customerId"].(map[string]any)["$Nullable"] != true {
		t.Errorf("Order: %v", order)
	}
	if _, typed := ns["Customer"].(map[string]any)["name"].(map[string]any)["$Type"]; typed {
		t.Errorf("a string property carries $Type")
	}
	if doc["$EntityContainer"] != "Shop.Container" || ns["Container"].(map[string]any)["Orders"].(map[string]any)["$Type"] != "Shop.Order" {
		t.Errorf("container: %v", doc)
	}
	if !strings.HasPrefix(string(b), "{\n  \"$Version\": \"4.0\"") {
		t.Errorf("$Version is not first: %.60s", b)
	}
}

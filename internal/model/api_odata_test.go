package model_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestODataSpecValidate(t *testing.T) {
	t.Parallel()
	f := false
	set := func(mod func(*model.ODataEntitySet)) *model.APISpec {
		es := model.ODataEntitySet{Name: "Customers", Connection: "db", Table: "customers", Key: []string{"id"},
			Properties: []model.ODataProperty{{Name: "id", Type: "Edm.Int64", Nullable: &f}, {Name: "name", Type: "Edm.String", Column: "full_name"}}}
		if mod != nil {
			mod(&es)
		}
		return &model.APISpec{BasePath: "erp", Version: "v1", OData: &model.ODataSpec{EntitySets: []model.ODataEntitySet{es}}}
	}
	tests := []struct {
		name string
		spec *model.APISpec
		want []string // field paths
	}{
		{"valid", set(nil), nil},
		{"process-backed", set(func(es *model.ODataEntitySet) { es.Connection, es.Table, es.Process = "", "", "listCustomers" }), nil},
		{"bad set name", set(func(es *model.ODataEntitySet) { es.Name = "Cust-omers" }), []string{"spec.odata.entitySets[0].name"}},
		{"table and process", set(func(es *model.ODataEntitySet) { es.Process = "p" }), []string{"spec.odata.entitySets[0].process"}},
		{"injection in a table name", set(func(es *model.ODataEntitySet) { es.Table = `x"; DROP TABLE y; --` }), []string{"spec.odata.entitySets[0].table"}},
		{"injection in a column", set(func(es *model.ODataEntitySet) { es.Properties[1].Column = "a b" }), []string{"spec.odata.entitySets[0].properties[1].column"}},
		{"unknown type", set(func(es *model.ODataEntitySet) { es.Properties[1].Type = "Edm.Text" }), []string{"spec.odata.entitySets[0].properties[1].type"}},
		{"no key", set(func(es *model.ODataEntitySet) { es.Key = nil }), []string{"spec.odata.entitySets[0].key"}},
		{"nullable key", set(func(es *model.ODataEntitySet) { es.Key = []string{"name"} }), []string{"spec.odata.entitySets[0].key[0]"}},
		{"unknown key", set(func(es *model.ODataEntitySet) { es.Key = []string{"nope"} }), []string{"spec.odata.entitySets[0].key[0]"}},
		{"unknown etag", set(func(es *model.ODataEntitySet) { es.ETag = "nope" }), []string{"spec.odata.entitySets[0].etag"}},
		{"duplicate property", set(func(es *model.ODataEntitySet) { es.Properties[1].Name = "id" }), []string{"spec.odata.entitySets[0].properties[1].name"}},
		{"navigation to nowhere", set(func(es *model.ODataEntitySet) {
			es.Navigation = []model.ODataNavigation{{Name: "Orders", Target: "Orders", Many: true, On: map[string]string{"id": "customerId"}}}
		}), []string{"spec.odata.entitySets[0].navigation[0].target"}},
		{"navigation on unknown property", set(func(es *model.ODataEntitySet) {
			es.Navigation = []model.ODataNavigation{{Name: "Self", Target: "Customers", On: map[string]string{"nope": "id"}}}
		}), []string{"spec.odata.entitySets[0].navigation[0].on"}},
		{"navigation named like a property", set(func(es *model.ODataEntitySet) {
			es.Navigation = []model.ODataNavigation{{Name: "name", Target: "Customers", On: map[string]string{"id": "id"}}}
		}), []string{"spec.odata.entitySets[0].navigation[0].name"}},
		{"negative limit", func() *model.APISpec { s := set(nil); s.OData.MaxTop = -1; return s }(), []string{"spec.odata.maxTop"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.spec.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			var paths []string
			for _, f := range ve.Fields {
				paths = append(paths, f.Path)
			}
			for _, w := range tc.want {
				if !slices.Contains(paths, w) {
					t.Errorf("errors %v lack %s", ve.Fields, w)
				}
			}
		})
	}
}

func TestODataSpecReferences(t *testing.T) {
	t.Parallel()
	f := false
	props := []model.ODataProperty{{Name: "id", Type: "Edm.Int64", Nullable: &f}}
	spec := &model.APISpec{BasePath: "erp", Version: "v1", OData: &model.ODataSpec{EntitySets: []model.ODataEntitySet{
		{Name: "A", Connection: "db", Table: "a", Key: []string{"id"}, Properties: props},
		{Name: "B", Connection: "db", Table: "b", Key: []string{"id"}, Properties: props},
		{Name: "C", Process: "listC", Key: []string{"id"}, Properties: props},
	}}}
	got := spec.References()
	want := []model.Ref{{Kind: model.KindConnection, Name: "db"}, {Kind: model.KindProcess, Name: "listC"}}
	if !slices.Equal(got, want) {
		t.Errorf("References = %v, want %v", got, want)
	}
}

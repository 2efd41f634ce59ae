package platform

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestAPIMetadata(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.user("viewer", "viewer")
	pub := e.user("pub", "publisher")
	odataAPI := `{"kind":"api","name":"shop","spec":{"basePath":"shop","version":"v1","odata":{"namespace":"Shop","entitySets":[` +
		`{"name":"Products","entityType":"Product","connection":"db","table":"products","key":["id"],"properties":[` +
		`{"name":"id","type":"Edm.Int64","nullable":false},{"name":"name","type":"Edm.String","maxLength":80}]}]}}}`
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(connDoc, odataAPI, procDoc, contractProcDoc, contractAPIv1))

	a := e.must(http.StatusOK, "GET", "/apis/shop/metadata", viewer, nil)
	if ct := a.header.Get("Content-Type"); ct != "application/xml" || !strings.Contains(string(a.body), `<EntityType Name="Product">`) ||
		!strings.Contains(string(a.body), `<Property Name="name" Type="Edm.String" MaxLength="80">`) {
		t.Errorf("metadata: %s %s", ct, a.body)
	}
	a = e.must(http.StatusOK, "GET", "/apis/shop/metadata?$format=json", viewer, nil)
	var doc map[string]any
	if err := json.Unmarshal(a.body, &doc); err != nil || doc["$EntityContainer"] != "Shop.Container" {
		t.Errorf("CSDL JSON: %v %s", err, a.body)
	}
	e.must(http.StatusNotFound, "GET", "/apis/erp/metadata", viewer, nil)
	e.must(http.StatusNotFound, "GET", "/apis/nope/metadata", viewer, nil)
}

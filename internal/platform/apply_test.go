package platform

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/store"
)

func results(t *testing.T, a answer) map[string]store.ApplyResult {
	t.Helper()
	var ans applyAnswer
	a.json(t, &ans)
	out := map[string]store.ApplyResult{}
	for _, r := range ans.Results {
		out[string(r.Kind)+"/"+r.Name] = r
	}
	return out
}

func TestApplyIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := `{"components":[` + connDoc + `,` + procDoc + `,` + apiDoc + `],"environments":[{"name":"dev","spec":{"publicURL":"https://dev.example.com"}}]}`

	first := results(t, e.must(http.StatusOK, "POST", "/apply", e.admin, body))
	for _, k := range []string{"connection/db", "process/list", "api/erp", "environment/dev"} {
		if first[k].Action != store.Created {
			t.Errorf("first apply: %s %q, want created", k, first[k].Action)
		}
	}
	if r := first["api/erp"]; r.Revision != 1 || !strings.HasPrefix(r.Hash, "sha256:") {
		t.Errorf("api/erp result %+v", r)
	}
	second := results(t, e.must(http.StatusOK, "POST", "/apply", e.admin, body))
	if len(second) != 4 {
		t.Fatalf("second apply: %d results", len(second))
	}
	for k, r := range second {
		if r.Action != store.Unchanged || r.Revision != first[k].Revision {
			t.Errorf("second apply: %s %+v, want unchanged at revision %d", k, r, first[k].Revision)
		}
	}

	// A change makes revision 2; a dry run says so without writing it.
	changed := strings.Replace(procDoc, "SELECT 1", "SELECT 2", 1)
	plan := results(t, e.must(http.StatusOK, "POST", "/apply", e.admin, `{"dryRun":true,"components":[`+changed+`,`+connDoc+`,`+strings.Replace(connDoc, `"db"`, `"db2"`, 1)+`],`+
		`"environments":[{"name":"dev","spec":{"publicURL":"https://dev.example.com"}},{"name":"qa"},{"name":"dev2"}]}`))
	if plan["process/list"].Action != store.Updated || plan["process/list"].Revision != 2 ||
		plan["connection/db"].Action != store.Unchanged || plan["connection/db2"].Action != store.Created ||
		plan["environment/dev"].Action != store.Unchanged || plan["environment/qa"].Action != store.Created {
		t.Errorf("dry run %+v", plan)
	}
	e.must(http.StatusNotFound, "GET", "/components/connection/db2", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/environments/qa", e.admin, nil)
	var cur struct{ Revision int }
	e.must(http.StatusOK, "GET", "/components/process/list", e.admin, nil).json(t, &cur)
	if cur.Revision != 1 {
		t.Errorf("dry run wrote revision %d", cur.Revision)
	}
	third := results(t, e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(changed)))
	if r := third["process/list"]; r.Action != store.Updated || r.Revision != 2 {
		t.Errorf("third apply %+v", r)
	}
	var revs struct{ Items []struct{ Revision int } }
	e.must(http.StatusOK, "GET", "/components/process/list/revisions", e.admin, nil).json(t, &revs)
	if len(revs.Items) != 2 || revs.Items[0].Revision != 2 {
		t.Errorf("revisions %+v", revs.Items)
	}
	e.must(http.StatusOK, "GET", "/components/process/list/revisions/1", e.admin, nil)
}

func TestApplyRefusesBadDocumentsAndWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	badAPI := strings.Replace(apiDoc, `"path":"/customers"`, `"path":"customers"`, 1)
	unknown := strings.Replace(connDoc, `"name":"db"`, `"name":"db3","colour":"red"`, 1)
	body := `{"components":[` + connDoc + `,` + procDoc + `,` + badAPI + `,` + unknown + `,` + connDoc + `,{"kind":"widget","name":"w","spec":{}}],` +
		`"environments":[{"name":"ok"},{"name":"9bad"}]}`
	a := e.must(http.StatusBadRequest, "POST", "/apply", e.admin, body)
	p := a.problem(t)
	want := []string{"components[2].spec.endpoints[0].path", "components[3]", "components[4]", "components[5].kind", "environments[1].name"}
	if got := p.paths(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("paths %q, want %q (%s)", got, want, a.body)
	}
	// Nothing was written: neither the valid components nor the valid environment.
	var comps struct{ Items []any }
	e.must(http.StatusOK, "GET", "/components", e.admin, nil).json(t, &comps)
	if len(comps.Items) != 0 {
		t.Errorf("%d components written by a refused apply", len(comps.Items))
	}
	e.must(http.StatusNotFound, "GET", "/environments/ok", e.admin, nil)
}

func TestApplyEnvironmentsNeedEnvironmentsWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pub := e.user("pub", "publisher")
	e.must(http.StatusForbidden, "POST", "/apply", pub, `{"components":[`+connDoc+`],"environments":[{"name":"dev"}]}`)
	e.must(http.StatusNotFound, "GET", "/components/connection/db", e.admin, nil)
}

func TestPutAndDeleteComponent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var r store.ApplyResult
	e.must(http.StatusOK, "PUT", "/components/connection/db", e.admin, connDoc).json(t, &r)
	if r.Action != store.Created || r.Revision != 1 {
		t.Errorf("put %+v", r)
	}
	e.must(http.StatusBadRequest, "PUT", "/components/connection/other", e.admin, connDoc)
	e.must(http.StatusOK, "PUT", "/components/process/list", e.admin, procDoc)
	// The process references the connection, so it cannot go first.
	e.must(http.StatusConflict, "DELETE", "/components/connection/db", e.admin, nil)
	e.must(http.StatusNoContent, "DELETE", "/components/process/list", e.admin, nil)
	e.must(http.StatusNoContent, "DELETE", "/components/connection/db", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/components/connection/db", e.admin, nil)
	// The kind is accepted in the CLI's spellings.
	e.must(http.StatusOK, "PUT", "/components/connections/db", e.admin, connDoc)
	e.must(http.StatusOK, "GET", "/components/Connection/db", e.admin, nil)
}

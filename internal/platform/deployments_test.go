package platform

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

var erpRef = map[string]string{"kind": "api", "name": "erp"}

func TestPackages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pub := e.user("pub", "publisher")
	op := e.user("op", "operator")
	// The API refers to a process that does not exist yet.
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(connDoc, apiDoc))
	a := e.must(http.StatusBadRequest, "POST", "/packages", pub, map[string]any{"component": erpRef, "version": "1.0.0"})
	if p := a.problem(t); !strings.Contains(p.Detail, "process/list") {
		t.Errorf("detail %q does not name the missing process/list", p.Detail)
	}
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(procDoc))
	e.must(http.StatusForbidden, "POST", "/packages", op, map[string]any{"component": erpRef, "version": "1.0.0"})
	var pkg model.Package
	e.must(http.StatusCreated, "POST", "/packages", pub, map[string]any{"component": erpRef, "version": "1.0.0", "notes": "first"}).json(t, &pkg)
	if pkg.ID == "" || pkg.Version != "1.0.0" || len(pkg.Contents) != 3 || pkg.APIVersion != "v1" || pkg.CreatedBy != "pub" {
		t.Errorf("package %+v", pkg)
	}
	e.must(http.StatusConflict, "POST", "/packages", pub, map[string]any{"component": erpRef, "version": "1.0.0"})
	e.must(http.StatusBadRequest, "POST", "/packages", pub, map[string]any{"component": map[string]string{"kind": "connection", "name": "db"}, "version": "1.0.0"})
	e.must(http.StatusNotFound, "POST", "/packages", pub, map[string]any{"component": map[string]string{"kind": "api", "name": "nope"}, "version": "1.0.0"})
	e.must(http.StatusOK, "GET", "/packages/"+pkg.ID, op, nil)
	var list struct{ Items []model.Package }
	e.must(http.StatusOK, "GET", "/packages?component=api/erp", op, nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != pkg.ID {
		t.Errorf("packages %+v", list.Items)
	}
	e.must(http.StatusBadRequest, "GET", "/packages?component=erp", op, nil)
	e.must(http.StatusNoContent, "DELETE", "/packages/"+pkg.ID, pub, nil)
	e.must(http.StatusNotFound, "GET", "/packages/"+pkg.ID, pub, nil)
}

func TestDeployRollbackUndeploy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p1 := e.seed()
	op := e.user("op", "operator")

	// Deploy by component: without a version, the newest package.
	var d1 model.Deployment
	e.must(http.StatusCreated, "POST", "/deployments", op, map[string]any{"environment": "dev", "component": erpRef}).json(t, &d1)
	if d1.PackageID != p1 || !d1.Active || d1.Version != "1.0.0" || d1.CreatedBy != "op" {
		t.Errorf("deployment %+v", d1)
	}
	// Deploying it again changes nothing: 200 with the active deployment.
	var same model.Deployment
	e.must(http.StatusOK, "POST", "/deployments", op, map[string]any{"environment": "dev", "packageId": p1}).json(t, &same)
	if same.ID != d1.ID {
		t.Errorf("redeploy answered %s, want the active %s", same.ID, d1.ID)
	}
	e.must(http.StatusConflict, "DELETE", "/packages/"+p1, e.admin, nil)
	e.must(http.StatusConflict, "DELETE", "/environments/dev", e.admin, nil)

	// Version 2.0.0, deployed by component and version.
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(strings.Replace(procDoc, "SELECT 1", "SELECT 2", 1)))
	e.must(http.StatusCreated, "POST", "/packages", e.admin, map[string]any{"component": erpRef, "version": "2.0.0"})
	var d2 model.Deployment
	e.must(http.StatusCreated, "POST", "/deployments", op, map[string]any{"environment": "dev", "component": erpRef, "version": "2.0.0"}).json(t, &d2)
	if d2.Version != "2.0.0" || d2.SnapshotRevision <= d1.SnapshotRevision {
		t.Errorf("second deployment %+v after %+v", d2, d1)
	}

	// Bad requests.
	e.must(http.StatusNotFound, "POST", "/deployments", op, map[string]any{"environment": "dev", "component": erpRef, "version": "9.9.9"})
	e.must(http.StatusNotFound, "POST", "/deployments", op, map[string]any{"environment": "dev", "packageId": "no-such-package"})
	e.must(http.StatusBadRequest, "POST", "/deployments", op, map[string]any{"environment": "dev", "packageId": p1, "component": erpRef})
	e.must(http.StatusBadRequest, "POST", "/deployments", op, map[string]any{"environment": "dev"})
	// Rollback only goes to versions deployed there before.
	e.must(http.StatusNotFound, "POST", "/deployments/rollback", op, map[string]any{"environment": "dev", "component": erpRef, "toVersion": "9.9.9"})
	e.must(http.StatusCreated, "POST", "/packages", e.admin, map[string]any{"component": erpRef, "version": "3.0.0"})
	e.must(http.StatusBadRequest, "POST", "/deployments/rollback", op, map[string]any{"environment": "dev", "component": erpRef, "toVersion": "3.0.0"})

	// Rollback goes back to 1.0.0.
	var rb model.Deployment
	e.must(http.StatusCreated, "POST", "/deployments/rollback", op, map[string]any{"environment": "dev", "component": erpRef}).json(t, &rb)
	if rb.Version != "1.0.0" || rb.Action != model.ActionRollback {
		t.Errorf("rollback %+v", rb)
	}
	var active struct{ Items []model.Deployment }
	e.must(http.StatusOK, "GET", "/deployments?environment=dev", op, nil).json(t, &active)
	if len(active.Items) != 1 || active.Items[0].ID != rb.ID {
		t.Errorf("active %+v", active.Items)
	}
	var history struct{ Items []model.Deployment }
	e.must(http.StatusOK, "GET", "/deployments?environment=dev&component=api/erp&history=true", op, nil).json(t, &history)
	if len(history.Items) != 3 || history.Items[0].ID != rb.ID || history.Items[2].ID != d1.ID {
		t.Errorf("history %+v", history.Items)
	}
	e.must(http.StatusBadRequest, "GET", "/deployments?history=maybe", op, nil)

	var und struct{ Items []model.Deployment }
	e.must(http.StatusOK, "POST", "/deployments/undeploy", op, map[string]any{"environment": "dev", "component": erpRef}).json(t, &und)
	if len(und.Items) != 1 || und.Items[0].Action != model.ActionUndeploy {
		t.Errorf("undeploy %+v", und.Items)
	}
	e.must(http.StatusOK, "GET", "/deployments?environment=dev", op, nil).json(t, &active)
	if len(active.Items) != 0 {
		t.Errorf("still active after undeploy: %+v", active.Items)
	}
	e.must(http.StatusNoContent, "DELETE", "/environments/dev", e.admin, nil)
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var env model.Environment
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev", "description": "development"}).json(t, &env)
	e.must(http.StatusConflict, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	var put model.Environment
	e.must(http.StatusOK, "PUT", "/environments/dev", e.admin, map[string]any{"description": "dev", "spec": map[string]string{"publicURL": "https://dev.example.com"}}).json(t, &put)
	if put.Spec.PublicURL != "https://dev.example.com" || put.Revision <= env.Revision {
		t.Errorf("put %+v after %+v", put, env)
	}
	e.must(http.StatusBadRequest, "PUT", "/environments/dev", e.admin, map[string]any{"name": "prod"})
	e.must(http.StatusBadRequest, "PUT", "/environments/dev", e.admin, map[string]any{"spec": map[string]string{"publicURL": "ftp://x"}})
	e.must(http.StatusOK, "PUT", "/environments/prod", e.admin, map[string]any{})
	var list struct{ Items []model.Environment }
	e.must(http.StatusOK, "GET", "/environments", e.admin, nil).json(t, &list)
	if len(list.Items) != 2 || list.Items[0].Name != "dev" {
		t.Errorf("environments %+v", list.Items)
	}
	e.must(http.StatusNoContent, "DELETE", "/environments/prod", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/environments/prod", e.admin, nil)
}

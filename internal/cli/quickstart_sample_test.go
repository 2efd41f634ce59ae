package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/store"
)

// fakeRuntime answers /readyz with status, as a runtime does.
func fakeRuntime(t *testing.T, status runtime.Status) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The sample is set up once; later runs keep what is there: rows, edited
// components, an existing package and another active release.
func TestSetupSampleKeepsWhatIsThere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTestStore(t)
	if err := ensureEnvironment(ctx, st); err != nil {
		t.Fatal(err)
	}
	s := &started{store: st, cfg: &serveConfig{data: t.TempDir()}, gatewayURL: fakeRuntime(t, runtime.Status{Ready: true, Revision: 1 << 40})}
	root := model.Ref{Kind: model.KindAPI, Name: "erp"}
	actions := func(rep *sampleReport) map[store.ApplyAction]int {
		m := map[store.ApplyAction]int{}
		for _, r := range rep.applied {
			m[r.Action]++
		}
		return m
	}

	first, err := setupSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !first.dbCreated || actions(first)[store.Created] != 30 || first.pkgAction != "created" || first.deployed != "deployed to dev" {
		t.Errorf("first run: db created %v, applied %v, package %s, %s", first.dbCreated, actions(first), first.pkgAction, first.deployed)
	}
	if first.examples == nil || first.examples.NextCustomerID != 151 {
		t.Errorf("first run: examples %+v", first.examples)
	}

	second, err := setupSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if second.dbCreated || actions(second)[store.Unchanged] != 30 || second.pkgAction != "unchanged" || second.deployed != "already active in dev" || len(second.kept) != 0 {
		t.Errorf("second run: db created %v, applied %v, package %s, %s, kept %v", second.dbCreated, actions(second), second.pkgAction, second.deployed, second.kept)
	}

	// An edited process stays edited, and the package that pins the old
	// revision stays as it was.
	proc, err := st.GetComponent(ctx, model.Ref{Kind: model.KindProcess, Name: "listCustomers"})
	if err != nil {
		t.Fatal(err)
	}
	proc.Description = "edited by hand"
	if _, err := st.Apply(ctx, []*model.Component{proc}, nil, "someone"); err != nil {
		t.Fatal(err)
	}
	third, err := setupSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(third.kept) != 1 || third.kept[0].Name != "listCustomers" || actions(third)[store.Unchanged] != 29 || third.pkgAction != "kept" {
		t.Errorf("third run: kept %v, applied %v, package %s", third.kept, actions(third), third.pkgAction)
	}
	if cur, err := st.GetComponent(ctx, proc.Ref()); err != nil || cur.Description != "edited by hand" {
		t.Errorf("the edited process was overwritten: %v, %v", cur, err)
	}

	// A later release active in dev is not replaced by 1.0.0.
	pkg, err := st.CreatePackage(ctx, root, "1.1.0", "", "someone")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Deploy(ctx, "dev", pkg.ID, "someone"); err != nil {
		t.Fatal(err)
	}
	fourth, err := setupSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fourth.deployed, "serves api/erp 1.1.0") {
		t.Errorf("fourth run: %s", fourth.deployed)
	}
	active, _, err := st.ListDeployments(ctx, store.DeploymentFilter{Environment: "dev", Component: &root}, store.Page{Limit: 10})
	if err != nil || len(active) != 1 || active[0].Version != "1.1.0" {
		t.Errorf("active in dev: %+v, %v; want 1.1.0 still", active, err)
	}
}

func TestSetupSampleReportsARuntimeThatCannotServe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTestStore(t)
	if err := ensureEnvironment(ctx, st); err != nil {
		t.Fatal(err)
	}
	gw := fakeRuntime(t, runtime.Status{Ready: true, Revision: 1, FailedRevision: 1 << 40, LastError: "compile process x: boom"})
	_, err := setupSample(ctx, &started{store: st, cfg: &serveConfig{data: t.TempDir()}, gatewayURL: gw})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("setupSample = %v, want the runtime's error", err)
	}
}

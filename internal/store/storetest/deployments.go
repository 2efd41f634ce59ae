package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testDeploy(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0")
	putEnv(t, s, "dev")

	d1 := deploy(t, s, "dev", ps[0])
	if d1.ID == "" || d1.Environment != "dev" || d1.PackageID != ps[0].ID || d1.Component != erpAPI || d1.Version != "1.0.0" ||
		d1.APIVersion != "v1" || d1.Action != model.ActionDeploy || !d1.Active || d1.SnapshotRevision != 2 || d1.CreatedBy != "bob" || d1.CreatedAt.IsZero() {
		t.Fatalf("deployment = %+v", d1)
	}
	if rev := revision(t, s, "dev"); rev != 2 {
		t.Fatalf("revision after deploy = %d, want 2", rev)
	}

	// The same package again: nothing changes, not even the revision.
	again, changed, err := s.Deploy(ctx, "dev", ps[0].ID, "carol")
	if err != nil || changed || again.ID != d1.ID || again.SnapshotRevision != 2 {
		t.Fatalf("redeploy = %+v changed=%v, %v", again, changed, err)
	}
	if rev := revision(t, s, "dev"); rev != 2 {
		t.Fatalf("revision after an unchanged deploy = %d, want 2", rev)
	}

	// Another package of the slot replaces it.
	d2 := deploy(t, s, "dev", ps[1])
	if d2.SnapshotRevision != 3 {
		t.Fatalf("second deploy revision %d, want 3", d2.SnapshotRevision)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.1.0(v1)"}) {
		t.Fatalf("active = %v", got)
	}
	h := history(t, s, "dev")
	if len(h) != 2 || h[0].ID != d2.ID || !h[0].Active || h[1].ID != d1.ID || h[1].Active {
		t.Fatalf("history = %+v", h)
	}

	// Filters.
	other := model.Ref{Kind: model.KindAPI, Name: "other"}
	if ds, _, err := s.ListDeployments(ctx, store.DeploymentFilter{Component: &other, History: true}, store.Page{}); err != nil || len(ds) != 0 {
		t.Fatalf("history of another component = %v, %v", ds, err)
	}
	if ds, _, err := s.ListDeployments(ctx, store.DeploymentFilter{Component: &erpAPI, History: true}, store.Page{}); err != nil || len(ds) != 2 {
		t.Fatalf("history of api/erp = %v, %v", ds, err)
	}
	putEnv(t, s, "prod")
	deploy(t, s, "prod", ps[0])
	if ds, _, err := s.ListDeployments(ctx, store.DeploymentFilter{}, store.Page{}); err != nil || len(ds) != 2 {
		t.Fatalf("active everywhere = %v, %v", ds, err)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.1.0(v1)"}) {
		t.Fatalf("dev after deploying to prod = %v", got)
	}

	// Failures change nothing.
	_, _, err = s.Deploy(ctx, "nope", ps[0].ID, "bob")
	wantErr(t, err, model.ErrNotFound, "nope")
	_, _, err = s.Deploy(ctx, "dev", "no-such-package", "bob")
	wantErr(t, err, model.ErrNotFound)
	if rev := revision(t, s, "dev"); rev != 3 {
		t.Fatalf("revision after failed deploys = %d, want 3", rev)
	}
}

func testSideBySide(t *testing.T, s store.Store) {
	ps := erpPackages(t, s, "1.0.0")
	apply(t, s, api("erp", "erp", "v2", "getCustomer"))
	v2 := pkg(t, s, erpAPI, "2.0.0")
	if v2.APIVersion != "v2" {
		t.Fatalf("v2 package = %+v", v2)
	}
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])
	deploy(t, s, "dev", v2)
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.0.0(v1)", "api/erp@2.0.0(v2)"}) {
		t.Fatalf("active = %v, want v1 and v2 side by side", got)
	}
	if rev := revision(t, s, "dev"); rev != 3 {
		t.Fatalf("revision = %d, want 3", rev)
	}
}

func testRouteConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])

	apply(t, s, api("erp2", "erp", "v1", "getCustomer"), api("erp3", "erp", "v9", "getCustomer"), proxy("erpproxy", "erp", "v1"))
	clash := pkg(t, s, model.Ref{Kind: model.KindAPI, Name: "erp2"}, "1.0.0")
	_, _, err := s.Deploy(ctx, "dev", clash.ID, "bob")
	wantErr(t, err, model.ErrConflict, "api/erp@1.0.0")
	if rev := revision(t, s, "dev"); rev != 2 {
		t.Fatalf("revision after a refused deploy = %d, want 2", rev)
	}
	// Another environment is free.
	putEnv(t, s, "prod")
	deploy(t, s, "prod", clash)
	// Another API version, or a proxy, does not clash.
	deploy(t, s, "dev", pkg(t, s, model.Ref{Kind: model.KindAPI, Name: "erp3"}, "1.0.0"))
	deploy(t, s, "dev", pkg(t, s, model.Ref{Kind: model.KindProxy, Name: "erpproxy"}, "1.0.0"))
	if got := active(t, s, "dev"); len(got) != 3 {
		t.Fatalf("active = %v", got)
	}
}

func testUndeploy(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0")
	apply(t, s, api("erp", "erp", "v2", "getCustomer"))
	v2 := pkg(t, s, erpAPI, "2.0.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])
	deploy(t, s, "dev", v2) // revision 3

	ds, err := s.Undeploy(ctx, "dev", erpAPI, "v2", "bob")
	if err != nil || len(ds) != 1 {
		t.Fatalf("Undeploy v2 = %v, %v", ds, err)
	}
	if d := ds[0]; d.Action != model.ActionUndeploy || d.Active || d.APIVersion != "v2" || d.Version != "2.0.0" || d.PackageID != v2.ID || d.SnapshotRevision != 4 || d.CreatedBy != "bob" {
		t.Fatalf("undeploy event = %+v", d)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.0.0(v1)"}) {
		t.Fatalf("active after undeploying v2 = %v", got)
	}
	_, err = s.Undeploy(ctx, "dev", erpAPI, "v2", "bob")
	wantErr(t, err, model.ErrNotFound, "api/erp")
	if rev := revision(t, s, "dev"); rev != 4 {
		t.Fatalf("revision after a failed undeploy = %d, want 4", rev)
	}

	deploy(t, s, "dev", v2) // 5
	ds, err = s.Undeploy(ctx, "dev", erpAPI, "", "bob")
	if err != nil || len(ds) != 2 || ds[0].SnapshotRevision != 6 || ds[1].SnapshotRevision != 6 {
		t.Fatalf("Undeploy all = %+v, %v", ds, err)
	}
	if got := active(t, s, "dev"); len(got) != 0 {
		t.Fatalf("active after undeploying all = %v", got)
	}
	h := history(t, s, "dev")
	if len(h) != 6 {
		t.Fatalf("history has %d events, want 6", len(h))
	}
	for _, d := range h {
		if d.Active {
			t.Fatalf("active event in history after undeploying all: %+v", d)
		}
	}
	_, err = s.Undeploy(ctx, "dev", erpAPI, "", "bob")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.Undeploy(ctx, "nope", erpAPI, "", "bob")
	wantErr(t, err, model.ErrNotFound, "nope")
	if rev := revision(t, s, "dev"); rev != 6 {
		t.Fatalf("revision = %d, want 6", rev)
	}
}

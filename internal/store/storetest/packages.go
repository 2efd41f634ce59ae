package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testCreatePackage(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, erp()...)
	p1 := pkg(t, s, erpAPI, "1.0.0")
	want := []model.PinnedRevision{
		{Kind: model.KindAPI, Name: "erp", Revision: 1},
		{Kind: model.KindProcess, Name: "getCustomer", Revision: 1},
		{Kind: model.KindConnection, Name: "erpdb", Revision: 1},
	}
	if p1.ID == "" || p1.Component != erpAPI || p1.Version != "1.0.0" || p1.Notes != "notes 1.0.0" || p1.Revision != 1 ||
		p1.BasePath != "erp" || p1.APIVersion != "v1" || p1.CreatedBy != "alice" || p1.CreatedAt.IsZero() {
		t.Fatalf("package = %+v", p1)
	}
	if diff := cmp.Diff(want, p1.Contents, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Hash" }, cmp.Ignore())); diff != "" {
		t.Fatalf("contents (-want +got):\n%s", diff)
	}
	for _, c := range p1.Contents {
		cur, err := s.GetComponent(ctx, model.Ref{Kind: c.Kind, Name: c.Name})
		if err != nil || cur.Hash != c.Hash {
			t.Fatalf("pinned %s/%s hash %s, component %+v %v", c.Kind, c.Name, c.Hash, cur, err)
		}
	}

	got, err := s.GetPackage(ctx, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p1, got); diff != "" {
		t.Fatalf("GetPackage (-created +got):\n%s", diff)
	}
	got, err = s.FindPackage(ctx, erpAPI, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p1, got); diff != "" {
		t.Fatalf("FindPackage (-created +got):\n%s", diff)
	}

	// Later edits do not touch the package; a new package pins them.
	apply(t, s, process("getCustomer", "erpdb", "SELECT 2"))
	got, err = s.GetPackage(ctx, p1.ID)
	if err != nil || got.Contents[1].Revision != 1 {
		t.Fatalf("package after the process changed = %+v, %v", got, err)
	}
	p2 := pkg(t, s, erpAPI, "1.1.0")
	if p2.Contents[1].Revision != 2 || p2.Revision != 1 || p2.ID == p1.ID {
		t.Fatalf("second package = %+v", p2)
	}

	list, next, err := s.ListPackages(ctx, &erpAPI, store.Page{})
	if err != nil || next != "" || len(list) != 2 || list[0].ID != p2.ID || list[1].ID != p1.ID {
		t.Fatalf("ListPackages newest first = %v, %q, %v", list, next, err)
	}
	if diff := cmp.Diff(p1, list[1]); diff != "" {
		t.Fatalf("listed package (-created +listed):\n%s", diff)
	}
	apply(t, s, proxy("px", "px", "v1"))
	pkg(t, s, model.Ref{Kind: model.KindProxy, Name: "px"}, "1.0.0") // same version, other root: allowed
	all, _, err := s.ListPackages(ctx, nil, store.Page{})
	if err != nil || len(all) != 3 {
		t.Fatalf("ListPackages(nil) = %d packages, %v", len(all), err)
	}
}

func testPackageErrors(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, erp()...)
	pkg(t, s, erpAPI, "1.0.0")
	_, err := s.CreatePackage(ctx, erpAPI, "1.0.0", "", "alice")
	wantErr(t, err, model.ErrConflict, "package api/erp@1.0.0 already exists")

	apply(t, s, api("broken", "broken", "v1", "getCustomer", "nope"), process("half", "missingdb", "SELECT 1"),
		api("broken2", "b2", "v1", "half"))
	_, err = s.CreatePackage(ctx, model.Ref{Kind: model.KindAPI, Name: "broken"}, "1.0.0", "", "alice")
	wantErr(t, err, model.ErrInvalid, "process/nope", "api/broken")
	_, err = s.CreatePackage(ctx, model.Ref{Kind: model.KindAPI, Name: "broken2"}, "1.0.0", "", "alice")
	wantErr(t, err, model.ErrInvalid, "connection/missingdb", "process/half")

	_, err = s.CreatePackage(ctx, model.Ref{Kind: model.KindAPI, Name: "ghost"}, "1.0.0", "", "alice")
	wantErr(t, err, model.ErrNotFound, "api/ghost")
	_, err = s.CreatePackage(ctx, erpAPI, "", "", "alice")
	wantErr(t, err, model.ErrInvalid, "version")
	_, err = s.CreatePackage(ctx, erpDB, "1.0.0", "", "alice")
	wantErr(t, err, model.ErrInvalid, "connection")

	_, err = s.GetPackage(ctx, "no-such-id")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.FindPackage(ctx, erpAPI, "9.9.9")
	wantErr(t, err, model.ErrNotFound, "api/erp@9.9.9")
	// Failed creations left nothing behind.
	list, _, err := s.ListPackages(ctx, nil, store.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("packages after failures = %d, %v", len(list), err)
	}
}

func testPackageKinds(t *testing.T, s store.Store) {
	apply(t, s, erp()...)
	apply(t, s, proxy("px", "billing", "v2"))
	p := pkg(t, s, model.Ref{Kind: model.KindProxy, Name: "px"}, "1.0.0")
	if p.BasePath != "billing" || p.APIVersion != "v2" || len(p.Contents) != 1 {
		t.Fatalf("proxy package = %+v", p)
	}
	p = pkg(t, s, getCustomer, "1.0.0")
	if p.BasePath != "" || p.APIVersion != "" || len(p.Contents) != 2 || p.Contents[0].Name != "getCustomer" {
		t.Fatalf("process package = %+v", p)
	}
}

func testDeletePackage(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])
	wantErr(t, s.DeletePackage(ctx, ps[0].ID), model.ErrInUse, "api/erp@1.0.0", "dev")
	deploy(t, s, "dev", ps[1])
	if err := s.DeletePackage(ctx, ps[0].ID); err != nil {
		t.Fatalf("delete a package no longer active: %v", err)
	}
	_, err := s.GetPackage(ctx, ps[0].ID)
	wantErr(t, err, model.ErrNotFound)
	wantErr(t, s.DeletePackage(ctx, ps[0].ID), model.ErrNotFound)
	// History keeps the deleted package's values.
	h := history(t, s, "dev")
	if len(h) != 2 || h[1].PackageID != ps[0].ID || h[1].Version != "1.0.0" || h[1].Component != erpAPI {
		t.Fatalf("history after the package was deleted = %+v", h)
	}
	// Its version is free again.
	if p := pkg(t, s, erpAPI, "1.0.0"); p.ID == ps[0].ID {
		t.Fatal("re-created package reused the id")
	}
}

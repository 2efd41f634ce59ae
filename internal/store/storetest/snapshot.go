package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testSnapshot(t *testing.T, s store.Store) {
	ctx := context.Background()
	env, _, err := s.PutEnvironment(ctx, &model.Environment{Name: "dev", Spec: model.EnvironmentSpec{PublicURL: "https://dev.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx, "dev")
	if err != nil || snap.Revision != env.Revision || snap.Deployments == nil || len(snap.Deployments) != 0 {
		t.Fatalf("empty snapshot = %+v, %v", snap, err)
	}

	ps := erpPackages(t, s, "1.0.0")
	apply(t, s, proxy("px", "billing", "v1"))
	px := pkg(t, s, model.Ref{Kind: model.KindProxy, Name: "px"}, "1.0.0")
	d := deploy(t, s, "dev", ps[0])
	deploy(t, s, "dev", px)
	// Edits after packaging do not reach the snapshot.
	apply(t, s, process("getCustomer", "erpdb", "SELECT 'later'"))

	snap, err = s.Snapshot(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Environment != "dev" || snap.Revision != revision(t, s, "dev") || snap.Revision != 3 || snap.Spec.PublicURL != "https://dev.example.com" {
		t.Fatalf("snapshot header = %+v", snap)
	}
	if len(snap.Deployments) != 2 {
		t.Fatalf("snapshot has %d deployments, want 2", len(snap.Deployments))
	}
	var erpSD *model.SnapshotDeployment
	for i := range snap.Deployments {
		if snap.Deployments[i].Deployment.Component == erpAPI {
			erpSD = &snap.Deployments[i]
		}
	}
	if erpSD == nil {
		t.Fatal("api/erp missing from the snapshot")
	}
	if diff := cmp.Diff(*d, erpSD.Deployment); diff != "" {
		t.Fatalf("snapshot deployment (-deployed +snapshot):\n%s", diff)
	}
	if diff := cmp.Diff(*ps[0], erpSD.Package); diff != "" {
		t.Fatalf("snapshot package (-created +snapshot):\n%s", diff)
	}
	if len(erpSD.Components) != 3 {
		t.Fatalf("snapshot components = %d, want 3", len(erpSD.Components))
	}
	for i, c := range erpSD.Components {
		pin := ps[0].Contents[i]
		if c.Kind != pin.Kind || c.Name != pin.Name || c.Revision != pin.Revision || c.Hash != pin.Hash || c.Spec == nil {
			t.Fatalf("snapshot component %d = %+v, pinned %+v", i, c, pin)
		}
		if h, _ := c.ContentHash(); h != pin.Hash {
			t.Fatalf("snapshot component %s/%s content hashes to %s, pinned %s", c.Kind, c.Name, h, pin.Hash)
		}
	}
	sp, ok := erpSD.Components[1].Spec.(*model.ProcessSpec)
	if !ok || sp.Steps[0].Query.SQL != "SELECT 1" {
		t.Fatalf("snapshot process spec = %#v, want the pinned revision", erpSD.Components[1].Spec)
	}

	_, err = s.Snapshot(ctx, "nope")
	wantErr(t, err, model.ErrNotFound, "nope")
}

package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testRollbackDefault(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0", "1.2.0")
	putEnv(t, s, "dev")

	_, err := s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	wantErr(t, err, model.ErrInvalid, "api/erp", "dev")

	deploy(t, s, "dev", ps[0])
	_, err = s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	wantErr(t, err, model.ErrInvalid, "no earlier package of api/erp was deployed to dev")

	deploy(t, s, "dev", ps[1])
	if _, changed, err := s.Deploy(ctx, "dev", ps[1].ID, "bob"); err != nil || changed {
		t.Fatalf("redeploy = changed %v, %v", changed, err) // unchanged: not a history event
	}
	deploy(t, s, "dev", ps[2]) // revision 4
	rb, err := s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Action != model.ActionRollback || !rb.Active || rb.Version != "1.1.0" || rb.PackageID != ps[1].ID || rb.SnapshotRevision != 5 || rb.CreatedBy != "bob" {
		t.Fatalf("rollback = %+v", rb)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.1.0(v1)"}) {
		t.Fatalf("active after rollback = %v", got)
	}
	// Rolling back again goes to what was active before: 1.2.0.
	rb, err = s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	if err != nil || rb.Version != "1.2.0" || rb.SnapshotRevision != 6 {
		t.Fatalf("second rollback = %+v, %v", rb, err)
	}
	h := history(t, s, "dev")
	if len(h) != 5 || h[0].Action != model.ActionRollback || h[1].Action != model.ActionRollback {
		t.Fatalf("history = %+v", h)
	}
	n := 0
	for _, d := range h {
		if d.Active {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d active events in history, want 1", n)
	}
	_, err = s.Rollback(ctx, "nope", erpAPI, "", "", "bob")
	wantErr(t, err, model.ErrNotFound, "nope")
	if rev := revision(t, s, "dev"); rev != 6 {
		t.Fatalf("revision = %d, want 6", rev)
	}
}

func testRollbackTo(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "0.9.0", "1.0.0", "1.1.0", "1.2.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[1])
	deploy(t, s, "dev", ps[2])
	deploy(t, s, "dev", ps[3]) // revision 4

	rb, err := s.Rollback(ctx, "dev", erpAPI, "1.0.0", "", "bob")
	if err != nil || rb.Version != "1.0.0" || rb.Action != model.ActionRollback || rb.SnapshotRevision != 5 {
		t.Fatalf("rollback --to 1.0.0 = %+v, %v", rb, err)
	}
	_, err = s.Rollback(ctx, "dev", erpAPI, "0.9.0", "", "bob")
	wantErr(t, err, model.ErrInvalid, "api/erp@0.9.0 was never deployed to dev")
	_, err = s.Rollback(ctx, "dev", erpAPI, "7.0.0", "", "bob")
	wantErr(t, err, model.ErrNotFound, "api/erp@7.0.0")
	_, err = s.Rollback(ctx, "dev", erpAPI, "1.0.0", "", "bob")
	wantErr(t, err, model.ErrInvalid, "already active")
	_, err = s.Rollback(ctx, "dev", erpAPI, "1.1.0", "v7", "bob")
	wantErr(t, err, model.ErrInvalid, "v7")
	if rev := revision(t, s, "dev"); rev != 5 {
		t.Fatalf("revision after refused rollbacks = %d, want 5", rev)
	}

	// With nothing active, a named version can still come back.
	if _, err := s.Undeploy(ctx, "dev", erpAPI, "", "bob"); err != nil {
		t.Fatal(err)
	}
	rb, err = s.Rollback(ctx, "dev", erpAPI, "1.2.0", "", "bob")
	if err != nil || rb.Version != "1.2.0" || rb.SnapshotRevision != 7 {
		t.Fatalf("rollback after undeploy = %+v, %v", rb, err)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.2.0(v1)"}) {
		t.Fatalf("active = %v", got)
	}
}

func testRollbackSkipsDeleted(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0", "1.2.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])
	deploy(t, s, "dev", ps[1])
	deploy(t, s, "dev", ps[2])
	if err := s.DeletePackage(ctx, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	rb, err := s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	if err != nil || rb.Version != "1.0.0" {
		t.Fatalf("rollback past a deleted package = %+v, %v", rb, err)
	}
	if err := s.DeletePackage(ctx, ps[2].ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	wantErr(t, err, model.ErrInvalid, "no earlier package")
}

func testRollbackSlots(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0")
	apply(t, s, api("erp", "erp", "v2", "getCustomer"))
	v2a := pkg(t, s, erpAPI, "2.0.0")
	apply(t, s, process("getCustomer", "erpdb", "SELECT 'v2b'"))
	v2b := pkg(t, s, erpAPI, "2.1.0")
	putEnv(t, s, "dev")
	for _, p := range []*model.Package{ps[0], ps[1], v2a, v2b} {
		deploy(t, s, "dev", p)
	}
	_, err := s.Rollback(ctx, "dev", erpAPI, "", "", "bob")
	wantErr(t, err, model.ErrInvalid, "v1", "v2")
	rb, err := s.Rollback(ctx, "dev", erpAPI, "", "v2", "bob")
	if err != nil || rb.Version != "2.0.0" || rb.APIVersion != "v2" {
		t.Fatalf("rollback of v2 = %+v, %v", rb, err)
	}
	if got := active(t, s, "dev"); !slices.Equal(got, []string{"api/erp@1.1.0(v1)", "api/erp@2.0.0(v2)"}) {
		t.Fatalf("active = %v", got)
	}
	rb, err = s.Rollback(ctx, "dev", erpAPI, "", "v1", "bob")
	if err != nil || rb.Version != "1.0.0" {
		t.Fatalf("rollback of v1 = %+v, %v", rb, err)
	}
	_, err = s.Rollback(ctx, "dev", erpAPI, "", "v3", "bob")
	wantErr(t, err, model.ErrInvalid, "v3")
}

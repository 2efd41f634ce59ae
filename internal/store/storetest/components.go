package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testApply(t *testing.T, s store.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	comps := erp()
	res := apply(t, s, comps...)
	for i, r := range res {
		c := comps[i]
		if r.Action != store.Created || r.Revision != 1 || r.Kind != c.Kind || r.Name != c.Name || !strings.HasPrefix(r.Hash, "sha256:") {
			t.Fatalf("first apply result %d = %+v", i, r)
		}
		if c.Revision != 1 || c.Hash != r.Hash || c.UpdatedBy != "alice" || c.CreatedAt.Before(before) || !c.UpdatedAt.Equal(c.CreatedAt) {
			t.Fatalf("first apply did not set the store fields: %+v", c)
		}
		if want, _ := c.ContentHash(); want != r.Hash {
			t.Fatalf("hash %s, want ContentHash %s", r.Hash, want)
		}
	}

	// Identical content: no new revision.
	res2, err := s.ApplyComponents(ctx, erp(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res2 {
		if r.Action != store.Unchanged || r.Revision != 1 || r.Hash != res[i].Hash {
			t.Fatalf("re-apply result %d = %+v, want unchanged revision 1", i, r)
		}
	}

	// A change makes revision 2 of that component only.
	changed := erp()
	changed[1] = process("getCustomer", "erpdb", "SELECT 2")
	changed[1].Description = "second"
	res3 := apply(t, s, changed...)
	wantActions := []store.ApplyAction{store.Unchanged, store.Updated, store.Unchanged}
	for i, r := range res3 {
		if r.Action != wantActions[i] {
			t.Fatalf("apply with one change: result %d = %+v, want %s", i, r, wantActions[i])
		}
	}
	if res3[1].Revision != 2 || res3[1].Hash == res[1].Hash {
		t.Fatalf("changed process = %+v, want revision 2 with a new hash", res3[1])
	}

	got, err := s.GetComponent(ctx, getCustomer)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || got.Description != "second" || got.UpdatedBy != "alice" || got.Hash != res3[1].Hash {
		t.Fatalf("GetComponent = %+v", got)
	}
	if sp, ok := got.Spec.(*model.ProcessSpec); !ok || sp.Steps[0].Query.SQL != "SELECT 2" {
		t.Fatalf("GetComponent spec = %#v", got.Spec)
	}
	if !got.CreatedAt.Equal(comps[1].CreatedAt) || got.UpdatedAt.Before(got.CreatedAt) {
		t.Fatalf("times: created %v (first %v), updated %v", got.CreatedAt, comps[1].CreatedAt, got.UpdatedAt)
	}
	if h, _ := got.ContentHash(); h != got.Hash {
		t.Fatalf("stored content hashes to %s, not its hash %s", h, got.Hash)
	}

	if _, err := s.GetComponent(ctx, model.Ref{Kind: model.KindProcess, Name: "nope"}); err == nil {
		t.Fatal("GetComponent of a missing component succeeded")
	} else {
		wantErr(t, err, model.ErrNotFound, "process/nope")
	}
	// Same name, other kind: a separate component.
	if _, err := s.GetComponent(ctx, model.Ref{Kind: model.KindConnection, Name: "erp"}); err == nil {
		t.Fatal("connection/erp exists though only api/erp was applied")
	}
	apply(t, s, connection("erp"))
	if c, err := s.GetComponent(ctx, model.Ref{Kind: model.KindConnection, Name: "erp"}); err != nil || c.Revision != 1 {
		t.Fatalf("connection/erp = %+v, %v", c, err)
	}
}

func testApplyInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	bad := connection("bad name")
	_, err := s.ApplyComponents(ctx, []*model.Component{connection("good"), bad}, "alice")
	wantErr(t, err, model.ErrInvalid, "name")
	if _, err := s.GetComponent(ctx, model.Ref{Kind: model.KindConnection, Name: "good"}); err == nil {
		t.Fatal("a batch with an invalid component saved its valid one")
	}
	// Two versions of one component in one batch: the last wins, with two revisions.
	res := apply(t, s, connection("dup"), process("p", "dup", "SELECT 1"), process("p", "dup", "SELECT 2"))
	if res[1].Action != store.Created || res[2].Action != store.Updated || res[2].Revision != 2 {
		t.Fatalf("batch with a repeated component = %+v", res)
	}
}

func testDeleteComponent(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, erp()...)

	wantErr(t, s.DeleteComponent(ctx, erpDB, "alice"), model.ErrInUse, "connection/erpdb is used by process/getCustomer")
	wantErr(t, s.DeleteComponent(ctx, getCustomer, "alice"), model.ErrInUse, "process/getCustomer is used by api/erp")
	wantErr(t, s.DeleteComponent(ctx, model.Ref{Kind: model.KindAPI, Name: "nope"}, "alice"), model.ErrNotFound, "api/nope")

	// A process calling itself does not keep itself alive.
	apply(t, s, process("loop", "erpdb", "SELECT 1", "loop"))
	if err := s.DeleteComponent(ctx, model.Ref{Kind: model.KindProcess, Name: "loop"}, "alice"); err != nil {
		t.Fatalf("delete self-referencing process: %v", err)
	}

	// Only current revisions count: once the API stops using the process,
	// the process can go.
	apply(t, s, process("other", "erpdb", "SELECT 3"), api("erp", "erp", "v1", "other"))
	if err := s.DeleteComponent(ctx, getCustomer, "alice"); err != nil {
		t.Fatalf("delete a process no current component uses: %v", err)
	}
	if _, err := s.GetComponent(ctx, getCustomer); err == nil {
		t.Fatal("deleted component still readable with GetComponent")
	}
	list, _, err := s.ListComponents(ctx, "", store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Ref() == getCustomer {
			t.Fatal("deleted component listed")
		}
	}
	revs, _, err := s.ListRevisions(ctx, getCustomer, store.Page{})
	if err != nil || len(revs) != 1 || revs[0].Revision != 1 {
		t.Fatalf("revisions of a deleted component = %v, %v", revs, err)
	}
	if _, err := s.GetRevision(ctx, getCustomer, 1); err != nil {
		t.Fatalf("GetRevision of a deleted component: %v", err)
	}
	wantErr(t, s.DeleteComponent(ctx, getCustomer, "alice"), model.ErrNotFound, "process/getCustomer")

	// Applied again, identical: it comes back as the next revision.
	res := apply(t, s, process("getCustomer", "erpdb", "SELECT 1"))
	if res[0].Action != store.Updated || res[0].Revision != 2 {
		t.Fatalf("re-applying a deleted component = %+v, want updated revision 2", res[0])
	}
	if c, err := s.GetComponent(ctx, getCustomer); err != nil || c.Revision != 2 {
		t.Fatalf("re-applied component = %+v, %v", c, err)
	}
}

func testRevisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, connection("c"))
	for i := 2; i <= 4; i++ {
		c := connection("c")
		c.Description = strings.Repeat("x", i)
		apply(t, s, c)
	}
	ref := model.Ref{Kind: model.KindConnection, Name: "c"}
	revs, next, err := s.ListRevisions(ctx, ref, store.Page{})
	if err != nil || next != "" {
		t.Fatalf("ListRevisions: next %q, %v", next, err)
	}
	var nums []int
	for _, r := range revs {
		nums = append(nums, r.Revision)
	}
	if len(nums) != 4 || nums[0] != 4 || nums[3] != 1 {
		t.Fatalf("revisions = %v, want 4 3 2 1", nums)
	}
	r2, err := s.GetRevision(ctx, ref, 2)
	if err != nil || r2.Description != "xx" || r2.Revision != 2 {
		t.Fatalf("GetRevision 2 = %+v, %v", r2, err)
	}
	_, err = s.GetRevision(ctx, ref, 5)
	wantErr(t, err, model.ErrNotFound)
	_, _, err = s.ListRevisions(ctx, model.Ref{Kind: model.KindConnection, Name: "none"}, store.Page{})
	wantErr(t, err, model.ErrNotFound)
}

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on an empty store = %d, %v", n, err)
	}
	alice := &model.User{Username: "alice", Role: model.RoleAdmin, PasswordHash: "hash1"}
	if err := s.CreateUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if alice.CreatedAt.IsZero() {
		t.Fatal("CreateUser did not set CreatedAt")
	}
	wantErr(t, s.CreateUser(ctx, &model.User{Username: "alice", Role: model.RoleViewer}), model.ErrConflict, "alice")
	wantErr(t, s.CreateUser(ctx, &model.User{Username: "bob", Role: model.RoleRuntime}), model.ErrInvalid, "role")
	wantErr(t, s.CreateUser(ctx, &model.User{Username: "", Role: model.RoleViewer}), model.ErrInvalid, "username")

	got, err := s.GetUser(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(alice, got); diff != "" || got.PasswordHash != "hash1" {
		t.Fatalf("GetUser (-created +got):\n%s", diff)
	}
	_, err = s.GetUser(ctx, "nobody")
	wantErr(t, err, model.ErrNotFound, "nobody")

	// The last enabled admin can be neither demoted, disabled nor deleted.
	wantErr(t, s.UpdateUser(ctx, &model.User{Username: "alice", Role: model.RoleViewer}), model.ErrConflict, "last enabled admin")
	wantErr(t, s.UpdateUser(ctx, &model.User{Username: "alice", Role: model.RoleAdmin, Disabled: true}), model.ErrConflict, "last enabled admin")
	wantErr(t, s.DeleteUser(ctx, "alice"), model.ErrConflict, "last enabled admin")
	if got, err := s.GetUser(ctx, "alice"); err != nil || got.Role != model.RoleAdmin || got.Disabled {
		t.Fatalf("alice after refused changes = %+v, %v", got, err)
	}
	// A password change keeps her an admin: allowed.
	if err := s.UpdateUser(ctx, &model.User{Username: "alice", Role: model.RoleAdmin, PasswordHash: "hash1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &model.User{Username: "carol", Role: model.RoleAdmin}); err != nil {
		t.Fatal(err)
	}

	// An empty password hash keeps the old one.
	if err := s.UpdateUser(ctx, &model.User{Username: "alice", Role: model.RoleViewer, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetUser(ctx, "alice")
	if got.Role != model.RoleViewer || !got.Disabled || got.PasswordHash != "hash1" || got.UpdatedAt.Before(got.CreatedAt) {
		t.Fatalf("after update = %+v", got)
	}
	// Now carol is the last one; a disabled admin does not count.
	wantErr(t, s.UpdateUser(ctx, &model.User{Username: "carol", Role: model.RoleAdmin, Disabled: true}), model.ErrConflict, "last enabled admin")
	if err := s.UpdateUser(ctx, &model.User{Username: "alice", Role: model.RoleAdmin, PasswordHash: "hash2"}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetUser(ctx, "alice")
	if got.Role != model.RoleAdmin || got.Disabled || got.PasswordHash != "hash2" {
		t.Fatalf("after second update = %+v", got)
	}
	wantErr(t, s.UpdateUser(ctx, &model.User{Username: "nobody", Role: model.RoleViewer}), model.ErrNotFound, "nobody")

	if err := s.CreateUser(ctx, &model.User{Username: "bob", Role: model.RoleOperator}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 3 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}
	exp := time.Now().Add(time.Hour)
	tok := &model.Token{Name: "ci", Username: "alice", Role: model.RoleViewer, Hash: "alice-token", ExpiresAt: &exp}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	bobTok := &model.Token{Name: "ci", Username: "bob", Role: model.RoleViewer, Hash: "bob-token"}
	if err := s.CreateToken(ctx, bobTok); err != nil {
		t.Fatal(err)
	}
	// Deleting a user takes their tokens, and only theirs.
	if err := s.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetUser(ctx, "alice")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.TokenByHash(ctx, "alice-token")
	wantErr(t, err, model.ErrNotFound)
	if _, err := s.TokenByHash(ctx, "bob-token"); err != nil {
		t.Fatalf("bob's token went with alice: %v", err)
	}
	wantErr(t, s.DeleteUser(ctx, "alice"), model.ErrNotFound, "alice")
	list, next, err := s.ListUsers(ctx, store.Page{})
	if err != nil || next != "" || len(list) != 2 || list[0].Username != "bob" || list[1].Username != "carol" {
		t.Fatalf("ListUsers = %v, %q, %v", list, next, err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	later, earlier := now.Add(time.Hour), now.Add(-time.Minute)
	live := &model.Token{Name: "ci", Username: "alice", Role: model.RolePublisher, Hash: "h-live", ExpiresAt: &later}
	expired := &model.Token{Name: "old", Username: "alice", Role: model.RoleViewer, Session: true, Hash: "h-old", ExpiresAt: &earlier}
	forever := &model.Token{Name: "runtime", Username: "bob", Role: model.RoleRuntime, Hash: "h-forever"}
	for _, tok := range []*model.Token{live, expired, forever} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if tok.ID == "" || tok.CreatedAt.IsZero() {
			t.Fatalf("CreateToken did not set id and creation time: %+v", tok)
		}
	}
	wantErr(t, s.CreateToken(ctx, &model.Token{Username: "x", Role: model.RoleViewer, Hash: "h-live"}), model.ErrConflict)
	wantErr(t, s.CreateToken(ctx, &model.Token{Username: "x", Role: model.RoleViewer}), model.ErrInvalid)
	wantErr(t, s.CreateToken(ctx, &model.Token{Username: "x", Role: "king", Hash: "h-king"}), model.ErrInvalid)

	got, err := s.TokenByHash(ctx, "h-live")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(live, got); diff != "" || got.Hash != "h-live" {
		t.Fatalf("TokenByHash (-created +got):\n%s", diff)
	}
	_, err = s.TokenByHash(ctx, "h-none")
	wantErr(t, err, model.ErrNotFound)

	mine, _, err := s.ListTokens(ctx, "alice", store.Page{})
	if err != nil || len(mine) != 2 || mine[0].ID != live.ID || mine[1].ID != expired.ID || !mine[1].Session {
		t.Fatalf("ListTokens(alice) = %+v, %v", mine, err)
	}
	all, _, err := s.ListTokens(ctx, "", store.Page{})
	if err != nil || len(all) != 3 {
		t.Fatalf("ListTokens() = %d, %v", len(all), err)
	}

	used := now.Add(time.Second)
	if err := s.TouchToken(ctx, live.ID, used); err != nil {
		t.Fatal(err)
	}
	// An older touch does not move it back.
	if err := s.TouchToken(ctx, live.ID, now); err != nil {
		t.Fatal(err)
	}
	got, _ = s.TokenByHash(ctx, "h-live")
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
		t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, used)
	}
	wantErr(t, s.TouchToken(ctx, "no-such-token", now), model.ErrNotFound)

	n, err := s.DeleteExpiredTokens(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredTokens = %d, %v; want 1", n, err)
	}
	_, err = s.TokenByHash(ctx, "h-old")
	wantErr(t, err, model.ErrNotFound)

	if err := s.DeleteToken(ctx, live.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.TokenByHash(ctx, "h-live")
	wantErr(t, err, model.ErrNotFound)
	wantErr(t, s.DeleteToken(ctx, live.ID), model.ErrNotFound)
	if _, err := s.TokenByHash(ctx, "h-forever"); err != nil {
		t.Fatalf("the never-expiring token is gone: %v", err)
	}
}

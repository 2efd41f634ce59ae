package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testLastAdminRace has two admins remove each other at the same instant,
// many times over, by demotion, disabling and deletion: at most one of each
// pair may win, so that an enabled admin always remains.
func testLastAdminRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	changes := []struct {
		name string
		do   func(username string) error
	}{
		{"demote", func(u string) error {
			return s.UpdateUser(ctx, &model.User{Username: u, Role: model.RolePublisher})
		}},
		{"disable", func(u string) error {
			return s.UpdateUser(ctx, &model.User{Username: u, Role: model.RoleAdmin, Disabled: true})
		}},
		{"delete", func(u string) error { return s.DeleteUser(ctx, u) }},
	}
	// survivor is the last round's remaining admin, removed once the new
	// pair exists, so that each round starts with exactly two admins.
	survivor := ""
	for round := range 30 {
		change := changes[round%len(changes)]
		pair := [2]string{fmt.Sprintf("a%d", round), fmt.Sprintf("b%d", round)}
		for _, u := range pair {
			if err := s.CreateUser(ctx, &model.User{Username: u, Role: model.RoleAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		if survivor != "" {
			if err := s.DeleteUser(ctx, survivor); err != nil {
				t.Fatalf("delete %s: %v", survivor, err)
			}
		}
		if n := enabledAdmins(t, s); n != 2 {
			t.Fatalf("round %d starts with %d enabled admins, want 2", round, n)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, u := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = change.do(u)
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, model.ErrConflict), errors.Is(err, model.ErrUnavailable):
			default:
				t.Fatalf("round %d: %s %s: %v", round, change.name, pair[i], err)
			}
		}
		if won > 1 {
			t.Fatalf("round %d: both admins were %sd at once", round, change.name)
		}
		if n := enabledAdmins(t, s); n != 1 {
			t.Fatalf("round %d (%s): %d enabled admins, want 1", round, change.name, n)
		}
		survivor = ""
		for _, u := range pair {
			if got, err := s.GetUser(ctx, u); err == nil && got.Role == model.RoleAdmin && !got.Disabled {
				survivor = u
			}
		}
	}
}

// enabledAdmins counts the enabled admins.
func enabledAdmins(t *testing.T, s store.Store) int {
	t.Helper()
	users, _, err := s.ListUsers(context.Background(), store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range users {
		if u.Role == model.RoleAdmin && !u.Disabled {
			n++
		}
	}
	return n
}

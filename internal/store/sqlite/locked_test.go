package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// TestLockedDatabase holds SQLite's write lock from another connection past
// the busy timeout: writes fail with ErrUnavailable and leave nothing behind.
func TestLockedDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portico.db")
	s, err := sqlite.OpenOptions(ctx, path, sqlite.Options{BusyTimeout: 50 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.PutEnvironment(ctx, &model.Environment{Name: "dev"}); err != nil {
		t.Fatal(err)
	}

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}

	conn1 := &model.Component{Kind: model.KindConnection, Name: "db", Spec: &model.ConnectionSpec{
		Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: "sqlite", DSN: "x.db"}}}
	writes := []struct {
		name string
		do   func() error
	}{
		{"apply", func() error { _, err := s.ApplyComponents(ctx, []*model.Component{conn1}, "alice"); return err }},
		{"environment", func() error {
			_, _, err := s.PutEnvironment(ctx, &model.Environment{Name: "dev", Description: "changed"})
			return err
		}},
		{"user", func() error { return s.CreateUser(ctx, &model.User{Username: "alice", Role: model.RoleAdmin}) }},
	}
	for _, w := range writes {
		start := time.Now()
		err := w.do()
		if !errors.Is(err, model.ErrUnavailable) {
			t.Fatalf("%s while locked: %v, want ErrUnavailable", w.name, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%s waited %v with a 50ms busy timeout", w.name, d)
		}
	}

	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetComponent(ctx, conn1.Ref()); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("component after a failed apply: %v", err)
	}
	env, err := s.GetEnvironment(ctx, "dev")
	if err != nil || env.Revision != 1 || env.Description != "" {
		t.Fatalf("environment after a failed update = %+v, %v", env, err)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("users after a failed create = %d, %v", n, err)
	}
	// Unlocked, the store works again.
	if _, err := s.ApplyComponents(ctx, []*model.Component{conn1}, "alice"); err != nil {
		t.Fatalf("apply after the lock was released: %v", err)
	}
}

// TestReopen opens an existing database: the migration is not run twice and
// the data is there.
func TestReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portico.db")
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PutEnvironment(ctx, &model.Environment{Name: "dev"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.GetEnvironment(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != migrationFiles(t) {
		t.Fatalf("schema_migrations rows = %d, %v; want one per migration file (%d)", n, err, migrationFiles(t))
	}
}

// migrationFiles counts the migrations the package embeds: each is applied once.
func migrationFiles(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}

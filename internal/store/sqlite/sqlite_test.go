package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
	"github.com/portico-dev/portico/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "portico.db"), nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// openRefusing opens a store whose Refuse installs SQLite triggers from a
// second connection to the same file.
func openRefusing(t *testing.T) (store.Store, storetest.Refuse) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portico.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	refuse := func(t *testing.T, name string) {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, op := range []string{"INSERT", "UPDATE"} {
			q := fmt.Sprintf(`CREATE TRIGGER refuse_%[1]s_%[2]s BEFORE %[2]s ON environments WHEN NEW.name = '%[1]s'
				BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`, name, op)
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("create trigger: %v", err)
			}
		}
	}
	return s, refuse
}

func TestFaults(t *testing.T) {
	storetest.RunFaults(t, openRefusing)
}

package migrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "modernc.org/sqlite"

	"github.com/portico-dev/portico/internal/store/migrate"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr string
	}{
		{"ordered by version", fstest.MapFS{
			"m/0010_ten.sql": {Data: []byte("x")}, "m/0002_two.sql": {Data: []byte("y")}, "m/README": {Data: []byte("z")},
		}, []int{2, 10}, ""},
		{"bad name", fstest.MapFS{"m/init.sql": {}}, nil, "NNNN_name.sql"},
		{"zero version", fstest.MapFS{"m/0000_x.sql": {}}, nil, "NNNN_name.sql"},
		{"duplicate version", fstest.MapFS{"m/0001_a.sql": {}, "m/01_b.sql": {}}, nil, "share version 1"},
		{"missing dir", fstest.MapFS{}, nil, "read migrations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ms, err := migrate.Load(tc.files, "m")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if len(got) != len(tc.want) || got[0] != tc.want[0] || got[1] != tc.want[1] || ms[0].Name != "two" || ms[0].SQL != "y" {
				t.Fatalf("loaded %+v, want versions %v", ms, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := []migrate.Migration{
		{Version: 1, Name: "a", SQL: "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
		{Version: 2, Name: "broken", SQL: "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
	}
	if err := migrate.Run(ctx, db, ms, migrate.Options{}, nil); err == nil || !strings.Contains(err.Error(), "0002_broken") {
		t.Fatalf("Run with a broken migration = %v, want an error naming it", err)
	}
	// The broken migration left nothing: no table b, no record.
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("table b exists after its migration failed (%d, %v)", n, err)
	}
	ms[1].SQL = "CREATE TABLE b (x INTEGER);"
	for range 2 {
		if err := migrate.Run(ctx, db, ms, migrate.Options{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("schema_migrations rows = %d, %v; want 2", n, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM a`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("migration 1 ran %d times, want once (%v)", n, err)
	}
}

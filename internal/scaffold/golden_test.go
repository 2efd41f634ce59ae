package scaffold_test

import (
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/scaffold"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestGoldenSQLite pins the YAML generated for a small schema, so that a
// change to generation shows up as a readable diff.
func TestGoldenSQLite(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, `CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, email TEXT NOT NULL UNIQUE,
		status TEXT NOT NULL DEFAULT 'active', data JSON, photo BLOB, location GEOGRAPHY)`)
	in, err := scaffold.Introspect(context.Background(), db, "sqlite", []string{"customers"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := scaffold.Generate(in, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for _, c := range res.Components {
		b, err := manifest.EncodeComponent(c)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	got := manifest.Join(docs)
	if len(res.Warnings) != 1 {
		t.Errorf("warnings = %q, want one about GEOGRAPHY", res.Warnings)
	}
	// The YAML must apply as it is.
	if _, err := manifest.Decode("gen.yaml", got); err != nil {
		t.Fatalf("generated YAML does not decode: %v", err)
	}
	path := filepath.Join("testdata", "sqlite.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenSQLite -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("generated YAML (-want +got):\n%s", diff)
	}
}

func TestStylesNotAvailable(t *testing.T) {
	t.Parallel()
	for _, s := range []string{scaffold.StyleSOAP, scaffold.StyleOData} {
		if g, err := scaffold.NewGenerator(s); err != nil || g == nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if g, err := scaffold.NewGenerator(scaffold.StyleREST); err != nil || g == nil {
		t.Errorf("rest: %v", err)
	}
}

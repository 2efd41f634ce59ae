package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

func TestGenDB(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "erp.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`,
		`CREATE TABLE log (line TEXT)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	base := []string{"gen", "db", "--connection", "erp", "--api", "erp", "--base", "erp", "--version", "v1", "--driver", "sqlite", "--dsn", path}

	t.Run("stdout", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := run(t, "", append(base, "--all")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		docs, err := manifest.Decode("out.yaml", []byte(out))
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, out)
		}
		// 7 processes for customers, 1 for log, the API.
		if len(docs) != 9 || docs[8].Name() != "erp" {
			t.Errorf("%d documents, last %q", len(docs), docs[len(docs)-1].Name())
		}
		if !strings.Contains(errOut, "warning: table log has no primary key") {
			t.Errorf("stderr = %q, want the warning", errOut)
		}
	})
	t.Run("soap", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := run(t, "", append(base, "--tables", "customers", "--soap")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		docs, err := manifest.Decode("out.yaml", []byte(out))
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, out)
		}
		api, ok := docs[len(docs)-1].Component.Spec.(*model.APISpec)
		if !ok || api.SOAP == nil || len(api.SOAP.Operations) != 7 || len(api.Endpoints) != 7 {
			t.Fatalf("want 7 REST endpoints and 7 SOAP operations on one API, got %+v", docs[len(docs)-1].Component.Spec)
		}
		if op := api.SOAP.Operations[0]; op.Name != "queryCustomers" || op.Process != "listCustomers" {
			t.Errorf("first operation = %s of process %s, want queryCustomers of listCustomers", op.Name, op.Process)
		}
	})
	t.Run("odata", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := run(t, "", append(base, "--all", "--odata")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		docs, err := manifest.Decode("out.yaml", []byte(out))
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, out)
		}
		api, ok := docs[len(docs)-1].Component.Spec.(*model.APISpec)
		if !ok || len(api.Endpoints) == 0 || api.OData == nil || api.OData.EntitySets[0].Name != "Customers" {
			t.Errorf("the API lacks REST endpoints or OData entity sets:\n%s", out)
		}
		code, out, errOut = run(t, "", append(base, "--all", "--odata", "--rest=false")...)
		if docs, err := manifest.Decode("out.yaml", []byte(out)); code != 0 || err != nil || len(docs) != 1 {
			t.Errorf("--odata alone: exit %d %v %s\n%s", code, err, errOut, out)
		}
	})
	t.Run("soap and odata", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := run(t, "", append(base, "--tables", "customers", "--soap", "--odata")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		docs, err := manifest.Decode("out.yaml", []byte(out))
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, out)
		}
		api, ok := docs[len(docs)-1].Component.Spec.(*model.APISpec)
		if !ok || len(api.Endpoints) != 7 || api.SOAP == nil || api.OData == nil {
			t.Errorf("want REST, SOAP and OData on one API:\n%s", out)
		}
	})
	t.Run("files", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		code, out, errOut := run(t, "", append(base, "--tables", "customers", "-o", dir)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(filepath.Join(dir, "process-getCustomer.yaml"))
		if err != nil || !strings.Contains(string(b), `WHERE "id" = :k_id`) {
			t.Errorf("getCustomer file: %v\n%s\nstdout: %s", err, b, out)
		}
	})
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no table choice", base, "--tables or --all"},
		{"both", append(base, "--all", "--tables", "customers"), "--tables or --all"},
		{"no style", append(base, "--all", "--rest=false"), "give --rest or --odata"},
		{"unknown table", append(base, "--tables", "nope"), `table "nope" does not exist`},
		{"missing api", []string{"gen", "db", "--connection", "erp", "--all"}, "--api is required"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := run(t, "", tc.args...)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want an error containing %q", code, errOut, tc.want)
			}
		})
	}
}

// Package arch checks the walls of the house: dependencies point downward
// (cli → platform/runtime → endpoint/process → connector/store → model) and
// the model stays free of I/O.
package arch

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/portico-dev/portico/"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module)] = p
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	return pkgs
}

func TestModelHasNoIOAndNoInternalImports(t *testing.T) {
	pkgs := listPackages(t)
	m, ok := pkgs["internal/model"]
	if !ok {
		t.Fatal("internal/model not found")
	}
	banned := []string{"os", "os/exec", "net", "net/http", "database/sql", "io/fs", "io/ioutil", "log", "log/slog", "syscall"}
	for _, imp := range m.Imports {
		if strings.HasPrefix(imp, module) {
			t.Errorf("internal/model imports %s: model must import nothing of ours", imp)
		}
		for _, b := range banned {
			if imp == b {
				t.Errorf("internal/model imports %s: model does no I/O", imp)
			}
		}
	}
}

// TestLayering lists, for each package prefix, the packages of ours it must
// never depend on, even indirectly.
func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	rules := []struct {
		from    string
		mustNot []string
		reason  string
	}{
		{"internal/model", []string{"internal/"}, "model is the bottom layer"},
		{"internal/store", []string{"internal/platform", "internal/cli", "internal/runtime", "internal/client"}, "store sits below the services"},
		{"internal/manifest", []string{"internal/store", "internal/platform", "internal/cli"}, "manifest only reads and writes documents"},
		{"internal/platform", []string{"internal/cli", "internal/runtime", "internal/client"}, "the control plane does not depend on its callers"},
		{"internal/client", []string{"internal/store", "internal/platform", "internal/cli"}, "the client speaks HTTP only"},
		{"internal/runtime", []string{"internal/store", "internal/platform", "internal/cli"}, "the runtime serves from snapshots, never from the store"},
	}
	for _, r := range rules {
		for path, p := range pkgs {
			if path != r.from && !strings.HasPrefix(path, r.from+"/") {
				continue
			}
			if strings.HasSuffix(path, ".test") || strings.Contains(path, "storetest") {
				continue
			}
			for _, dep := range p.Deps {
				rel, ours := strings.CutPrefix(dep, module)
				if !ours {
					continue
				}
				for _, bad := range r.mustNot {
					if rel == strings.TrimSuffix(bad, "/") || strings.HasPrefix(rel, strings.TrimSuffix(bad, "/")+"/") {
						t.Errorf("%s depends on %s: %s", path, rel, r.reason)
					}
				}
			}
		}
	}
}

func TestOnlyMainImportsCLI(t *testing.T) {
	for path, p := range listPackages(t) {
		if path == "cmd/portico" || path == "internal/cli" || strings.HasPrefix(path, "internal/cli/") {
			continue
		}
		for _, imp := range p.Imports {
			// internal/client is not the CLI: match the path, not a prefix of it.
			if imp == module+"internal/cli" || strings.HasPrefix(imp, module+"internal/cli/") {
				t.Errorf("%s imports %s: only cmd/portico wires the CLI", path, imp)
			}
		}
	}
}

// TestTestDBIsForTestsOnly: the package that creates throwaway databases is
// never part of the binary.
func TestTestDBIsForTestsOnly(t *testing.T) {
	for path, p := range listPackages(t) {
		if path == "internal/testdb" || strings.HasSuffix(path, ".test") {
			continue
		}
		for _, dep := range p.Deps {
			if dep == module+"internal/testdb" {
				t.Errorf("%s depends on internal/testdb, which only tests may import", path)
			}
		}
	}
}

package manifest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts validates and survives `get -o yaml | apply` with the same hash.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.*")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "---\n---\n", "kind: API\n", "{kind: Environment, name: a}", "kind: !!str Proxy\nname: p\n",
		"a: &x 1\nb: *x\n", "kind: Process\nname: p\nspec:\n  input: {a: 1e400, b: -0, c: .inf, d: ~}\n  steps: [{return: {}}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := manifest.Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, d := range docs {
			if (d.Component == nil) == (d.Environment == nil) {
				t.Fatalf("document %s holds %v and %v", d.Source, d.Component, d.Environment)
			}
			if d.Environment != nil {
				if err := d.Environment.Validate(); err != nil {
					t.Fatalf("accepted an invalid environment: %v", err)
				}
				out, err := manifest.EncodeEnvironment(d.Environment)
				if err != nil {
					t.Fatalf("EncodeEnvironment: %v", err)
				}
				back, err := manifest.Decode("encoded", out)
				if err != nil || len(back) != 1 || back[0].Environment == nil || *back[0].Environment != *d.Environment {
					t.Fatalf("environment does not round-trip: %v\n%s", err, out)
				}
				continue
			}
			if err := d.Component.Validate(); err != nil {
				t.Fatalf("accepted an invalid component: %v", err)
			}
			roundTrip(t, d.Component)
		}
	})
}

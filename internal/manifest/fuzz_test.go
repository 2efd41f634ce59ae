package manifest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
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
		"a: &x 1\nb: *x\n", "kind: User\nname: u\nspec:\n  password: p\n  ipFilter: {enabled: true, cidrs: [10.0.0.0/8]}\n", "kind: Process\nname: p\nspec:\n  input: {a: 1e400, b: -0, c: .inf, d: ~}\n  steps: [{return: {}}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := manifest.Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, d := range docs {
			if n := btoi(d.Component != nil) + btoi(d.Environment != nil) + btoi(d.User != nil); n != 1 {
				t.Fatalf("document %s holds %d items: %v, %v, %v", d.Source, n, d.Component, d.Environment, d.User)
			}
			if d.User != nil {
				userRoundTrip(t, d.User)
				continue
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

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// userRoundTrip checks that an accepted User document validates and comes
// back from EncodeUser equal, less its password (never written back).
func userRoundTrip(t *testing.T, u *model.ConsumerDoc) {
	t.Helper()
	if err := u.Validate(); err != nil {
		t.Fatalf("accepted an invalid user: %v", err)
	}
	want := *u
	want.Spec.Password, want.Spec.TokenHashes = nil, nil
	out, err := manifest.EncodeUser(&model.ConsumerView{ConsumerDoc: want})
	if err != nil {
		t.Fatalf("EncodeUser: %v", err)
	}
	back, err := manifest.Decode("encoded", out)
	if err != nil || len(back) != 1 || back[0].User == nil || !reflect.DeepEqual(normUser(*back[0].User), normUser(want)) {
		t.Fatalf("user does not round-trip: %v\n%s", err, out)
	}
}

// normUser makes empty and absent lists equal.
func normUser(u model.ConsumerDoc) model.ConsumerDoc {
	b, _ := json.Marshal(u)
	var out model.ConsumerDoc
	_ = json.Unmarshal(b, &out)
	return out
}

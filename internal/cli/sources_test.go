package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const processDoc = `kind: Process
name: %s
spec:
  steps:
    - return: {}
`

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, n := range []string{"b.yaml", "a.yml", "c.JSON", "notes.txt", ".hidden.yaml", "sub/d.yaml"} {
		writeFile(t, filepath.Join(dir, n), "# "+n+"\n")
	}
	single := filepath.Join(dir, "notes.txt")
	empty := t.TempDir()

	tests := []struct {
		name    string
		paths   []string
		stdin   string
		want    []string
		wantErr string
	}{
		{name: "directory sorted, not recursive, manifests only", paths: []string{dir},
			want: []string{"a.yml", "b.yaml", "c.JSON"}},
		{name: "a file whatever its name", paths: []string{single}, want: []string{"notes.txt"}},
		{name: "stdin", paths: []string{"-"}, stdin: "kind: API", want: []string{"<stdin>"}},
		{name: "in the order given", paths: []string{single, "-", dir}, stdin: "x",
			want: []string{"notes.txt", "<stdin>", "a.yml", "b.yaml", "c.JSON"}},
		{name: "stdin twice", paths: []string{"-", "-"}, wantErr: "stdin"},
		{name: "missing file", paths: []string{filepath.Join(dir, "nope.yaml")}, wantErr: "no such file"},
		{name: "empty directory", paths: []string{empty}, wantErr: "no .yaml, .yml or .json files"},
		{name: "nothing", paths: nil, wantErr: "no input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readSources(tt.paths, strings.NewReader(tt.stdin))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readSources error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got {
				names = append(names, filepath.Base(s.name))
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Fatalf("sources (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sources []source
		want    []string
		wantErr []string
	}{
		{
			name: "documents across files",
			sources: []source{
				{name: "a.yaml", data: []byte(strings.ReplaceAll(processDoc, "%s", "one") + "---\n" + strings.ReplaceAll(processDoc, "%s", "two"))},
				{name: "b.yaml", data: []byte("kind: Environment\nname: prod\nspec: {}\n")},
			},
			want: []string{"process/one", "process/two", "environment/prod"},
		},
		{
			name: "defined twice",
			sources: []source{
				{name: "a.yaml", data: []byte(strings.ReplaceAll(processDoc, "%s", "one"))},
				{name: "b.yaml", data: []byte(strings.ReplaceAll(processDoc, "%s", "one"))},
			},
			wantErr: []string{"process/one is defined twice", "a.yaml:1", "b.yaml:1"},
		},
		{
			name:    "malformed YAML names file, line and column",
			sources: []source{{name: "bad.yaml", data: []byte("kind: Process\nname: x\nspec:\n  steps: [\n")}},
			wantErr: []string{"bad.yaml", "[4:10]", "steps: ["},
		},
		{
			name:    "unknown field",
			sources: []source{{name: "f.yaml", data: []byte("kind: Process\nname: x\nspec:\n  stepz: []\n")}},
			wantErr: []string{"f.yaml", "[4:3]", `unknown field "stepz"`},
		},
		{
			name:    "no documents",
			sources: []source{{name: "empty.yaml", data: []byte("# nothing\n")}},
			wantErr: []string{"no documents found in empty.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, err := decodeSources(tt.sources)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("decodeSources = %d documents, want an error", len(docs))
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, d.Kind()+"/"+d.Name())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("documents (-want +got):\n%s", diff)
			}
		})
	}
}

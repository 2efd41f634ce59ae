// Package docs_test checks that every YAML example in the user documentation
// is what Portico accepts: a ```yaml block must decode and validate with
// manifest.Decode, every Process in it must compile (jq, conditions, SQL
// parameters) as a runtime compiles it, and a ```yaml invalid block must be
// refused.
package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/httpc"
	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// block is one fenced code block.
type block struct {
	file    string
	line    int // of the opening fence
	info    string
	content []byte
	next    *block // the fenced block right after this one, if any
}

// yamlBlocks returns the fenced blocks of a Markdown file whose info string
// starts with "yaml", each linked to the block that follows it.
func yamlBlocks(t *testing.T, path string) []block {
	t.Helper()
	all := fencedBlocks(t, path)
	var out []block
	for i, b := range all {
		if f := strings.Fields(b.info); len(f) > 0 && f[0] == "yaml" {
			if i+1 < len(all) {
				b.next = &all[i+1]
			}
			out = append(out, b)
		}
	}
	return out
}

// fencedBlocks returns every fenced block of a Markdown file.
func fencedBlocks(t *testing.T, path string) []block {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out   []block
		cur   *block
		fence string
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur == nil && fence == "" {
			if f, info, ok := openFence(trimmed); ok {
				fence = f
				cur = &block{file: path, line: n, info: strings.Join(strings.Fields(info), " ")}
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
			if cur != nil {
				out = append(out, *cur)
			}
			cur, fence = nil, ""
			continue
		}
		if cur != nil {
			cur.content = append(cur.content, line...)
			cur.content = append(cur.content, '\n')
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if fence != "" {
		t.Errorf("%s: a code fence is never closed", path)
	}
	return out
}

// openFence reports a line that opens a fenced block, its fence and info string.
func openFence(line string) (fence, info string, ok bool) {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n], strings.TrimSpace(line[n:]), true
		}
	}
	return "", "", false
}

func TestYAMLExamples(t *testing.T) {
	t.Parallel()
	res := newResources(t)
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range files {
		for _, b := range yamlBlocks(t, f) {
			total++
			name := b.file + ":" + strconv.Itoa(b.line)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				docs, err := manifest.Decode("FILE", b.content)
				switch b.info {
				case "yaml":
					if err != nil {
						t.Fatalf("example does not decode:\n%v\n%s", err, b.content)
					}
					if len(docs) == 0 {
						t.Fatalf("example holds no document:\n%s", b.content)
					}
					if err := compileProcesses(docs, res); err != nil {
						t.Fatalf("a process of the example does not compile:\n%v\n%s", err, b.content)
					}
				case "yaml invalid":
					if err == nil {
						t.Fatalf("example marked invalid decodes (%d documents):\n%s", len(docs), b.content)
					}
					checkDocumentedError(t, b, err)
				default:
					t.Fatalf("info string %q: want yaml or yaml invalid", b.info)
				}
			})
		}
	}
	if total == 0 {
		t.Fatal("no yaml examples found under docs/")
	}
}

func TestBlockExtraction(t *testing.T) {
	t.Parallel()
	md := "text\n```yaml\nkind: Environment\nname: a\n```\n\n````markdown\n```yaml\nnot: extracted\n```\n````\n" +
		"```yaml invalid\nkind: Widget\n```\n```sh\nkind: x\n```\n"
	path := filepath.Join(t.TempDir(), "x.md")
	if err := os.WriteFile(path, []byte(md), 0o600); err != nil {
		t.Fatal(err)
	}
	got := yamlBlocks(t, path)
	if len(got) != 2 || got[0].info != "yaml" || string(got[0].content) != "kind: Environment\nname: a\n" ||
		got[1].info != "yaml invalid" || got[1].line != 12 {
		t.Fatalf("blocks = %+v", got)
	}
}

// fileRE matches the file name in the first line of a manifest error.
var fileRE = regexp.MustCompile(`^manifest: [^ :]+`)

// checkDocumentedError compares the error shown right after an invalid
// example (a block starting with "manifest:") with the real one, file names
// aside, so that the documented messages stay true.
func checkDocumentedError(t *testing.T, b block, err error) {
	t.Helper()
	if b.next == nil || !bytes.HasPrefix(b.next.content, []byte("manifest: ")) {
		return
	}
	want := strings.SplitN(string(b.next.content), "\n", 2)[0]
	got := strings.SplitN(err.Error(), "\n", 2)[0]
	norm := func(s string) string { return fileRE.ReplaceAllString(s, "manifest: FILE") }
	if norm(got) != norm(want) {
		t.Errorf("documented error (line %d) differs from the real one:\n doc: %s\nreal: %s", b.next.line, want, got)
	}
}

// resources is what documented processes compile against: every database
// connection is one real SQLite file, every HTTP connection a client of a
// closed port. Compiling prepares SQL but runs nothing.
type resources struct {
	db    *sqldb.DB
	http  *httpc.Client
	procs map[string]*process.Process // of the example being compiled
}

func newResources(t *testing.T) *resources {
	t.Helper()
	db, err := sqldb.Open(context.Background(), &model.DatabaseConnection{
		Driver: "sqlite", DSN: model.Secret("file:" + filepath.Join(t.TempDir(), "docs.db")),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cl, err := httpc.New(&model.HTTPConnection{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	return &resources{db: db, http: cl}
}

// sqlConn adapts *sqldb.DB to process.SQL.
type sqlConn struct{ db *sqldb.DB }

func (c sqlConn) Prepare(sql string) (process.Statement, error) {
	st, err := c.db.Prepare(sql)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (r *resources) SQL(string) (process.SQL, error)   { return sqlConn{r.db}, nil }
func (r *resources) HTTP(string) (process.HTTP, error) { return r.http, nil }

// Process resolves a call: to a process of the same example, else to a
// declared one, since an example may call a process shown elsewhere or not
// at all; its call step compiles either way.
func (r *resources) Process(name string) (*process.Process, error) {
	if p, ok := r.procs[name]; ok {
		return p, nil
	}
	return process.Declare(name), nil
}

// compileProcesses compiles every Process of one example, as a runtime
// compiles a package: declared first, so that they may call each other.
func compileProcesses(docs []manifest.Document, shared *resources) error {
	res := &resources{db: shared.db, http: shared.http, procs: map[string]*process.Process{}}
	specs := map[string]*model.ProcessSpec{}
	for _, d := range docs {
		if d.Component == nil {
			continue
		}
		if spec, ok := d.Component.Spec.(*model.ProcessSpec); ok {
			specs[d.Component.Name] = spec
			res.procs[d.Component.Name] = process.Declare(d.Component.Name)
		}
	}
	var errs []string
	for name, spec := range specs {
		if err := res.procs[name].Define(spec, res); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// TestProcessCompileCatchesMistakes: an example that validates but would
// not compile in a runtime fails the documentation tests.
func TestProcessCompileCatchesMistakes(t *testing.T) {
	t.Parallel()
	res := newResources(t)
	const doc = `
kind: Process
name: p
spec:
  steps:
    - query:
        connection: erp
        sql: SELECT id FROM customers WHERE id = :id
        params: {id: %s}
    - map: {jq: '%s'}
`
	cases := []struct {
		name, param, jq string
		wantErr         string // "" when it must compile
	}{
		{"compiles", "'$props.param_id | tonumber'", "{id: .id}", ""},
		{"jq syntax error in map", "'$props.param_id'", "{id: .id", "map"},
		{"jq syntax error in a parameter", "'$props.param_id | '", ".", "params"},
		{"unknown jq function", "'$props.param_id'", "nosuchfn(.)", "map"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			docs, err := manifest.Decode("x.yaml", []byte(fmt.Sprintf(doc, tc.param, tc.jq)))
			if err != nil {
				t.Fatal(err)
			}
			err = compileProcesses(docs, res)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("does not compile: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
}

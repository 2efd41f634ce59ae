// Package docs_test checks that every YAML example in the user documentation
// is what Portico accepts: a ```yaml block must decode and validate with
// manifest.Decode, and a ```yaml invalid block must be refused.
package docs_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
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

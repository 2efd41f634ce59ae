package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-dev/portico/internal/manifest"
)

// source is one input of `apply -f`: a file's name and content.
type source struct {
	name string
	data []byte
}

// manifestExts are the file names a directory given to -f contributes.
var manifestExts = []string{".yaml", ".yml", ".json"}

// readSources reads every -f argument in order: "-" is stdin, a directory
// contributes its .yaml, .yml and .json files (sorted, not recursive), a file
// is read whatever its name.
func readSources(paths []string, stdin io.Reader) ([]source, error) {
	if len(paths) == 0 {
		return nil, usagef("no input: give -f FILE, -f DIR or -f - (stdin)")
	}
	var out []source
	usedStdin := false
	for _, p := range paths {
		if p == "-" {
			if usedStdin {
				return nil, usagef("-f - (stdin) given twice")
			}
			usedStdin = true
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("read stdin: %w", err)
			}
			out = append(out, source{name: "<stdin>", data: b})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
		}
		if !fi.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
			}
			out = append(out, source{name: p, data: b})
			continue
		}
		dir, err := readDir(p)
		if err != nil {
			return nil, err
		}
		out = append(out, dir...)
	}
	return out, nil
}

// readDir reads the manifest files directly inside dir, sorted by name so
// that numbered files (01-connection.yaml) apply in order.
func readDir(dir string) ([]source, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, unwrapPathError(err))
	}
	var out []source
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() || strings.HasPrefix(name, ".") || !hasManifestExt(name) {
			continue
		}
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
		}
		out = append(out, source{name: p, data: b})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no .yaml, .yml or .json files", dir)
	}
	return out, nil
}

func hasManifestExt(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range manifestExts {
		if ext == e {
			return true
		}
	}
	return false
}

// unwrapPathError drops the *PathError wrapper, whose path the caller
// already names.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// decodeSources decodes every document of every source and refuses a
// component or environment defined twice, naming both places.
func decodeSources(sources []source) ([]manifest.Document, error) {
	var docs []manifest.Document
	seen := map[string]string{}
	for _, s := range sources {
		d, err := manifest.Decode(s.name, s.data)
		if err != nil {
			return nil, err
		}
		for _, doc := range d {
			key := doc.Kind() + "/" + doc.Name()
			if prev, dup := seen[key]; dup {
				return nil, fmt.Errorf("%s is defined twice: at %s and at %s", key, prev, doc.Source)
			}
			seen[key] = doc.Source
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no documents found in %s", sourceNames(sources))
	}
	return docs, nil
}

func sourceNames(sources []source) string {
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

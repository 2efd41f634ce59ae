package process_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// parseSpec decodes the YAML of a process spec (the part under spec:) the
// way apply does, so that tests read like the documentation.
func parseSpec(t testing.TB, specYAML string) *model.ProcessSpec {
	t.Helper()
	var b strings.Builder
	b.WriteString("kind: Process\nname: t\nspec:\n")
	for _, l := range strings.Split(strings.TrimRight(specYAML, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	docs, err := manifest.Decode("test.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("decoding the spec: %v\n%s", err, b.String())
	}
	return docs[0].Component.Spec.(*model.ProcessSpec)
}

const customersSchema = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, balance REAL, photo BLOB);
INSERT INTO customers (id, name, country, balance, photo) VALUES
  (1, 'Ada', 'GB', 10.5, NULL),
  (2, 'Grace', 'US', 0, x'ff00'),
  (3, 'Linus', 'FI', NULL, NULL);
`

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/portico-dev/portico/internal/manifest"
)

// Output formats.
const (
	outTable = "table"
	outJSON  = "json"
	outYAML  = "yaml"
	outText  = "text"
)

// checkOutput refuses a format the command does not offer.
func checkOutput(got string, allowed []string) error {
	if slices.Contains(allowed, got) {
		return nil
	}
	return usagef("unknown output format %q (want %s)", got, strings.Join(allowed, ", "))
}

// writeJSON writes v indented, with a final newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeYAMLDocs writes each value as one YAML document, separated by "---".
func writeYAMLDocs[T any](w io.Writer, items []T) error {
	docs := make([][]byte, 0, len(items))
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return err
		}
		y, err := yaml.JSONToYAML(b)
		if err != nil {
			return err
		}
		docs = append(docs, y)
	}
	_, err := w.Write(manifest.Join(docs))
	return err
}

// table writes aligned columns.
type table struct {
	tw *tabwriter.Writer
}

// newTable starts a table with its header row.
func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)}
	t.row(headers...)
	return t
}

func (t *table) row(cols ...string) {
	for i, c := range cols {
		if c == "" {
			cols[i] = "-"
		}
		// A tab or newline in a value would break the columns.
		cols[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(cols[i])
	}
	fmt.Fprintln(t.tw, strings.Join(cols, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// fmtTime writes a timestamp for a table.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// fmtTimePtr is fmtTime for optional timestamps.
func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fmtTime(*t)
}

// truncate shortens free text for a table column.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

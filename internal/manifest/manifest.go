// Package manifest reads and writes the declarative YAML (or JSON) files of
// `portico apply` and `portico get -o yaml`: multi-document streams of
// components and environments. Errors carry the file, line and column, with
// an excerpt of the source.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/portico-dev/portico/internal/model"
)

// KindEnvironment is the document kind of an environment.
const KindEnvironment = "environment"

// KindUser is the document kind of an API user (a consumer of the runtime's
// APIs, not a platform user).
const KindUser = "user"

// Document is one decoded YAML document: exactly one of Component,
// Environment, Plan, Application and User is set.
type Document struct {
	Source      string // "file.yaml:12" — where the document starts
	Component   *model.Component
	Environment *model.Environment
	Plan        *model.Plan
	Application *model.Application
	User        *model.ConsumerDoc
}

// Kind is the document's canonical kind ("api", "environment", "user").
func (d *Document) Kind() string {
	switch {
	case d.Environment != nil:
		return KindEnvironment
	case d.Plan != nil:
		return KindPlan
	case d.Application != nil:
		return KindApplication
	case d.User != nil:
		return KindUser
	}
	return string(d.Component.Kind)
}

// Name is the document's name.
func (d *Document) Name() string {
	switch {
	case d.Environment != nil:
		return d.Environment.Name
	case d.Plan != nil:
		return d.Plan.Name
	case d.Application != nil:
		return d.Application.Name
	case d.User != nil:
		return d.User.Name
	}
	return d.Component.Name
}

// ErrSyntax marks a document that cannot be decoded.
var ErrSyntax = errors.New("manifest")

// envelope is a component document with its spec typed, so that unknown
// fields are refused with their line and column.
type envelope[S any] struct {
	Kind        string            `json:"kind"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Spec        S                 `json:"spec"`
}

// Decode reads every document of a YAML or JSON stream and validates each one.
// filename only labels errors. It stops at the first document in error.
func Decode(filename string, data []byte) ([]Document, error) {
	var file *ast.File
	err := guard(func() (err error) {
		file, err = parser.ParseBytes(fillEmptyDocuments(data), 0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrSyntax, filename, yaml.FormatError(err, false, true))
	}
	var docs []Document
	for i, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, isNull := doc.Body.(*ast.NullNode); isNull {
			continue
		}
		line := doc.Body.GetToken().Position.Line
		where := fmt.Sprintf("%s:%d", filename, line)
		d, err := decodeOne(doc.Body)
		if err != nil {
			return nil, fmt.Errorf("%w: %s (document %d): %w", ErrSyntax, where, i+1, err)
		}
		d.Source = where
		docs = append(docs, d)
	}
	return docs, nil
}

// fillEmptyDocuments rewrites a "---" line that opens an empty document (only
// blank or comment lines before the next marker) as "--- null", because
// go-yaml v1.19 silently drops every document after an empty one
// ("a: 1\n---\n---\nb: 2" yields only a). No line moves, so positions in
// errors stay right.
func fillEmptyDocuments(data []byte) []byte {
	if !bytes.Contains(data, []byte("\n---")) && !bytes.HasPrefix(data, []byte("---")) {
		return data
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	var out []byte
	for i, l := range lines {
		if isMarker(l) && opensEmpty(lines[i+1:]) {
			if out == nil {
				out = make([]byte, 0, len(data)+8*len(lines))
				for _, prev := range lines[:i] {
					out = append(out, prev...)
				}
			}
			out = append(out, "--- null"...)
			out = append(out, l[3:]...)
			continue
		}
		if out != nil {
			out = append(out, l...)
		}
	}
	if out == nil {
		return data
	}
	return out
}

// isMarker reports a document start line: "---" alone or before a space or a comment.
func isMarker(l []byte) bool {
	rest, ok := bytes.CutPrefix(l, []byte("---"))
	if !ok {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) == 0 || rest[0] == '\r' || rest[0] == '\n' || rest[0] == '#'
}

// opensEmpty reports whether the next line with content is another marker.
func opensEmpty(next [][]byte) bool {
	for _, l := range next {
		t := bytes.TrimSpace(l)
		switch {
		case len(t) == 0 || t[0] == '#':
			continue
		case isMarker(l), bytes.Equal(t, []byte("...")):
			return true
		}
		return false
	}
	return false
}

func decodeOne(body ast.Node) (Document, error) {
	if _, ok := body.(*ast.MappingNode); !ok {
		if _, ok := body.(*ast.MappingValueNode); !ok {
			return Document{}, fmt.Errorf("a document must be a mapping with kind, name and spec")
		}
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := guard(func() error { return yaml.NodeToValue(body, &head) }); err != nil {
		return Document{}, errors.New(yaml.FormatError(err, false, true))
	}
	if head.Kind == "" {
		return Document{}, errors.New("kind is required (Connection, Process, API, Proxy, Environment or User)")
	}
	if strings.EqualFold(head.Kind, KindUser) {
		return decodeUser(body)
	}
	if strings.EqualFold(head.Kind, KindEnvironment) {
		// Environments have no labels, so their envelope refuses them.
		var e struct {
			Kind        string                `json:"kind"`
			Name        string                `json:"name"`
			Description string                `json:"description,omitempty"`
			Spec        model.EnvironmentSpec `json:"spec"`
		}
		if err := strictDecode(body, &e); err != nil {
			return Document{}, err
		}
		env := &model.Environment{Name: e.Name, Description: e.Description, Spec: e.Spec}
		if err := env.Validate(); err != nil {
			return Document{}, err
		}
		return Document{Environment: env}, nil
	}
	if d, ok, err := decodeTraffic(body, head.Kind); ok {
		return d, err
	}
	kind, err := model.ParseKind(head.Kind)
	if err != nil {
		return Document{}, fmt.Errorf("unknown kind %q (want Connection, Process, API, Proxy, Environment or User)", head.Kind)
	}
	var c *model.Component
	switch kind {
	case model.KindConnection:
		c, err = decodeComponent[model.ConnectionSpec](body, kind)
	case model.KindProcess:
		c, err = decodeComponent[model.ProcessSpec](body, kind)
	case model.KindAPI:
		c, err = decodeComponent[model.APISpec](body, kind)
	case model.KindProxy:
		c, err = decodeComponent[model.ProxySpec](body, kind)
	}
	if err != nil {
		return Document{}, err
	}
	if err := c.Validate(); err != nil {
		return Document{}, err
	}
	return Document{Component: c}, nil
}

// decodeComponent decodes a component of kind k whose spec type is S; *S
// must implement model.Spec.
func decodeComponent[S any, P interface {
	*S
	model.Spec
}](body ast.Node, k model.Kind) (*model.Component, error) {
	var e envelope[*S]
	if err := strictDecode(body, &e); err != nil {
		return nil, err
	}
	if e.Spec == nil {
		return nil, model.Invalidf("spec", "is required")
	}
	return &model.Component{Kind: k, Name: e.Name, Description: e.Description, Labels: e.Labels, Spec: P(e.Spec)}, nil
}

func strictDecode(body ast.Node, v any) error {
	if err := guard(func() error { return yaml.NodeToValue(body, v, yaml.DisallowUnknownField()) }); err != nil {
		return errors.New(yaml.FormatError(err, false, true))
	}
	return nil
}

// guard turns a panic inside go-yaml into an error: v1.19 panics on some
// malformed input (a tag without a value where a sequence is expected), and
// a bad file must never bring down the CLI or the server.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML decoder cannot read this document (%v)", r)
		}
	}()
	return f()
}

// EncodeComponent writes a component as an apply-able YAML document (without
// the store's revision fields), so that `get -o yaml` round-trips with apply.
func EncodeComponent(c *model.Component) ([]byte, error) {
	b, err := json.Marshal(struct {
		Kind        string            `json:"kind"`
		Name        string            `json:"name"`
		Description string            `json:"description,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Spec        model.Spec        `json:"spec"`
	}{c.Kind.Title(), c.Name, c.Description, c.Labels, c.Spec})
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

// EncodeEnvironment writes an environment as an apply-able YAML document.
func EncodeEnvironment(env *model.Environment) ([]byte, error) {
	b, err := json.Marshal(struct {
		Kind        string                `json:"kind"`
		Name        string                `json:"name"`
		Description string                `json:"description,omitempty"`
		Spec        model.EnvironmentSpec `json:"spec"`
	}{"Environment", env.Name, env.Description, env.Spec})
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

// Join concatenates YAML documents with "---" separators.
func Join(docs [][]byte) []byte {
	var buf bytes.Buffer
	for i, d := range docs {
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(d)
		if len(d) > 0 && d[len(d)-1] != '\n' {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

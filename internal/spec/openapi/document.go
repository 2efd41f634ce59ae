package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Document is a generated document rendered once, as JSON and YAML,
// without servers; JSON and YAML splice the servers of one request in, so
// that serving it costs a copy, not a generation.
type Document struct {
	title              string
	jsonHead, jsonTail []byte // `{"openapi": ..., "info": ...` and `"paths": ...}`
	yamlHead, yamlTail []byte
}

// Top-level members that precede servers, in the order they are written;
// the rest follow in headOrder then alphabetical order.
var (
	headKeys  = []string{"openapi", "info", "jsonSchemaDialect"}
	tailOrder = []string{"security", "tags", "paths", "webhooks", "components", "externalDocs"}
)

// NewDocument renders doc. Servers already in doc are dropped: they come
// from each request.
func NewDocument(doc *openapi3.T) (*Document, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return newDocument(b, doc.Info.Title)
}

// NewAttachedDocument renders a document given as decoded JSON (the
// OpenAPI document a proxy carries), as is but for its servers, which
// come from each request like those of generated documents.
func NewAttachedDocument(doc map[string]any) (*Document, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	title := ""
	if info, ok := doc["info"].(map[string]any); ok {
		title, _ = info["title"].(string)
	}
	return newDocument(b, title)
}

func newDocument(b []byte, title string) (*Document, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	delete(members, "servers")
	var head, tail []string
	for _, k := range headKeys {
		if _, ok := members[k]; ok {
			head = append(head, k)
		}
	}
	for _, k := range tailOrder {
		if _, ok := members[k]; ok {
			tail = append(tail, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		if !slices.Contains(head, k) && !slices.Contains(tail, k) {
			tail = append(tail, k)
		}
	}
	d := &Document{title: title}
	var err error
	if d.jsonHead, err = jsonMembers(members, head); err != nil {
		return nil, err
	}
	if d.jsonTail, err = jsonMembers(members, tail); err != nil {
		return nil, err
	}
	if d.yamlHead, err = yamlMembers(members, head); err != nil {
		return nil, err
	}
	if d.yamlTail, err = yamlMembers(members, tail); err != nil {
		return nil, err
	}
	return d, nil
}

// Title is the document's info.title.
func (d *Document) Title() string { return d.title }

// jsonMembers writes the members as indented `"key": value` lines joined
// by commas, without the braces.
func jsonMembers(members map[string]json.RawMessage, keys []string) ([]byte, error) {
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",\n")
		}
		kb, _ := json.Marshal(k)
		b.WriteString("  ")
		b.Write(kb)
		b.WriteString(": ")
		if err := json.Indent(&b, members[k], "  ", "  "); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", k, err)
		}
	}
	return b.Bytes(), nil
}

// yamlMembers renders the members as a block mapping, in order.
func yamlMembers(members map[string]json.RawMessage, keys []string) ([]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(members[k])
	}
	b.WriteByte('}')
	y, err := jsonToYAML(b.Bytes())
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(y, []byte("\n")) {
		y = append(y, '\n')
	}
	return y, nil
}

type server struct {
	URL string `json:"url"`
}

// JSON is the document with servers.
func (d *Document) JSON(servers []string) []byte {
	var b bytes.Buffer
	b.Grow(len(d.jsonHead) + len(d.jsonTail) + 64)
	b.WriteString("{\n")
	b.Write(d.jsonHead)
	if len(servers) > 0 {
		b.WriteString(",\n  \"servers\": [")
		for i, s := range servers {
			if i > 0 {
				b.WriteByte(',')
			}
			sb, _ := json.Marshal(server{URL: s})
			b.WriteString("\n    ")
			b.Write(sb)
		}
		b.WriteString("\n  ]")
	}
	if len(d.jsonTail) > 0 {
		b.WriteString(",\n")
		b.Write(d.jsonTail)
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

// YAML is the document with servers.
func (d *Document) YAML(servers []string) []byte {
	var b bytes.Buffer
	b.Grow(len(d.yamlHead) + len(d.yamlTail) + 64)
	b.Write(d.yamlHead)
	if len(servers) > 0 {
		b.WriteString("servers:\n")
		for _, s := range servers {
			// A JSON string is a YAML double-quoted scalar.
			sb, _ := json.Marshal(s)
			b.WriteString("  - url: ")
			b.Write(sb)
			b.WriteByte('\n')
		}
	}
	b.Write(d.yamlTail)
	if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

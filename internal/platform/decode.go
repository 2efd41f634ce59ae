package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// readBody checks the media type and reads the whole (size-limited) body.
func readBody(r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || (mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		return nil, fmt.Errorf("%w: Content-Type %q, want application/json", errUnsupportedMedia, ct)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, fmt.Errorf("%w: %w", errTooLarge, err)
		}
		return nil, fmt.Errorf("%w: reading the request body: %v", model.ErrInvalid, err)
	}
	return b, nil
}

// decodeBody reads a JSON body into v, refusing unknown fields and trailing data.
func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(b, v, "")
}

// decodeJSON decodes b into v strictly; path prefixes field paths in errors
// ("components[2]").
func decodeJSON(b []byte, v any, path string) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return model.Invalidf(path, "the request body is empty; want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, path, b, reflect.TypeOf(v))
	}
	if dec.More() {
		return model.Invalidf(path, "malformed JSON at byte offset %d: data after the end of the object", dec.InputOffset())
	}
	return nil
}

// jsonError turns a decoding error into a ValidationError that says where;
// b and t locate an unknown field, which encoding/json names without its path.
func jsonError(err error, path string, b []byte, t reflect.Type) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		return prefixed(path, ve)
	case errors.As(err, &syn):
		return model.Invalidf(path, "malformed JSON at byte offset %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return model.Invalidf(join(path, typ.Field), "want a JSON %s, got %s (byte offset %d)", typ.Type.Kind(), typ.Value, typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return model.Invalidf(path, "malformed JSON: unexpected end of the body")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		var doc any
		if json.Unmarshal(b, &doc) == nil {
			if at := unknownField(doc, t, ""); at != "" {
				return model.Invalidf(join(path, at), "unknown field")
			}
		}
		return model.Invalidf(path, "unknown field %s", field)
	}
	return model.Invalidf(path, "%s", msg)
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// unknownField returns the path of the first key of doc that type t has no
// field for (matched case-insensitively, as encoding/json does), or "".
func unknownField(doc any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return "" // decodes itself
	}
	switch v := doc.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		switch t.Kind() {
		case reflect.Map:
			for _, k := range keys {
				if at := unknownField(v[k], t.Elem(), join(path, k)); at != "" {
					return at
				}
			}
		case reflect.Struct:
			for _, k := range keys {
				f, ok := jsonField(t, k)
				if !ok {
					return join(path, k)
				}
				if at := unknownField(v[k], f.Type, join(path, k)); at != "" {
					return at
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, x := range v {
				if at := unknownField(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); at != "" {
					return at
				}
			}
		}
	}
	return ""
}

// jsonField finds the struct field that encoding/json would fill from key.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// prefixed returns ve with every path put under prefix.
func prefixed(prefix string, ve *model.ValidationError) *model.ValidationError {
	out := &model.ValidationError{Fields: make([]model.FieldError, len(ve.Fields))}
	for i, f := range ve.Fields {
		out.Fields[i] = model.FieldError{Path: join(prefix, f.Path), Message: f.Message}
	}
	return out
}

func join(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}

// pageOf reads ?limit= and ?cursor=.
func pageOf(r *http.Request) (store.Page, error) {
	q := r.URL.Query()
	p := store.Page{Limit: store.DefaultPageLimit, Cursor: q.Get("cursor")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxPageLimit {
			return p, model.Invalidf("limit", "%q is not a page size (1 to %d)", s, store.MaxPageLimit)
		}
		p.Limit = n
	}
	return p, nil
}

// refParam reads a "kind/name" query parameter; nil when absent.
func refParam(r *http.Request, name string) (*model.Ref, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	ref, err := model.ParseRef(s)
	if err != nil {
		return nil, model.Invalidf(name, "%q is not kind/name (e.g. api/erp)", s)
	}
	return &ref, nil
}

// pathRef reads the {kind} and {name} path values.
func pathRef(r *http.Request) (model.Ref, error) {
	k, err := model.ParseKind(r.PathValue("kind"))
	if err != nil {
		return model.Ref{}, model.Invalidf("kind", "unknown component kind %q (want connection, process, api or proxy)", r.PathValue("kind"))
	}
	return model.Ref{Kind: k, Name: r.PathValue("name")}, nil
}

// normalizeRef accepts a kind in any spelling ParseKind knows and validates the ref.
func normalizeRef(ref model.Ref, path string) (model.Ref, error) {
	k, err := model.ParseKind(string(ref.Kind))
	if err != nil {
		return ref, model.Invalidf(join(path, "kind"), "unknown component kind %q (want connection, process, api or proxy)", ref.Kind)
	}
	if !model.ValidName(ref.Name) {
		return ref, model.Invalidf(join(path, "name"), "%q is not a valid name", ref.Name)
	}
	return model.Ref{Kind: k, Name: ref.Name}, nil
}

// appendFields adds err's field errors, put under prefix, to dst; an error
// without fields counts as one at prefix. A nil err adds nothing.
func appendFields(dst *model.ValidationError, prefix string, err error) {
	if err == nil {
		return
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		dst.Fields = append(dst.Fields, prefixed(prefix, ve).Fields...)
		return
	}
	dst.Fields = append(dst.Fields, model.FieldError{Path: prefix, Message: err.Error()})
}

// takePathName gives a body the path's name: the body may leave its name
// out or repeat the path's, never name another. An empty path (a POST)
// leaves the body's name as it is.
func takePathName(body *string, path string) error {
	if path == "" {
		return nil
	}
	if *body != "" && *body != path {
		return model.Invalidf("name", "the body names %q, the path %q", *body, path)
	}
	*body = path
	return nil
}

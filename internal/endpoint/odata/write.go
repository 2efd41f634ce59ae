package odata

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint/codec"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// body reads the request's JSON object, numbers kept exact.
func (rq *request) body() (map[string]any, error) {
	ct := rq.r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, errorf(http.StatusUnsupportedMediaType, "unsupportedMediaType", "Content-Type", "send the entity as application/json")
	}
	limit := rq.s.opts.MaxBodyBytes
	if limit <= 0 {
		limit = codec.DefaultMaxBody
	}
	data, err := io.ReadAll(http.MaxBytesReader(rq.w, rq.r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "payloadTooLarge", "", "the body is larger than "+strconv.FormatInt(limit, 10)+" bytes")
		}
		return nil, errorf(http.StatusBadRequest, query.CodeBadRequest, "", "the body could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		msg := "the body is not a JSON object"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg += " (syntax error at byte " + strconv.FormatInt(se.Offset, 10) + ")"
		}
		return nil, errorf(http.StatusBadRequest, query.CodeSyntax, "", msg)
	}
	if dec.More() {
		return nil, errorf(http.StatusBadRequest, query.CodeSyntax, "", "the body holds more than one JSON value")
	}
	return obj, nil
}

// values converts a body's properties; annotations are ignored, unknown
// properties and navigation (deep insert) refused.
func values(set *query.EntitySet, obj map[string]any) (map[*query.Property]any, error) {
	out := map[*query.Property]any{}
	for name, v := range obj {
		if strings.Contains(name, "@") {
			continue // instance annotations such as @odata.type
		}
		p := set.Property(name)
		if p == nil {
			if set.Nav(name) != nil {
				return nil, query.NotImplemented(name, "deep insert and update (navigation properties in a body)")
			}
			return nil, query.Errorf(query.CodeUnknown, name, "%s has no property %q", set.Name, name)
		}
		val, err := inValue(v, p)
		if err != nil {
			return nil, query.Errorf(query.CodeType, name, "%v", err)
		}
		out[p] = val
	}
	return out, nil
}

// bodyValues reads the request's entity and converts its properties.
func (rq *request) bodyValues(set *query.EntitySet) (map[*query.Property]any, error) {
	obj, err := rq.body()
	if err != nil {
		return nil, err
	}
	return values(set, obj)
}

func (rq *request) readOnly(set *query.EntitySet) error {
	if set.ReadOnly {
		return errorf(http.StatusMethodNotAllowed, "methodNotAllowed", set.Name, set.Name+" is read-only")
	}
	return nil
}

func (rq *request) create() error {
	set := rq.path.Set
	if err := rq.readOnly(set); err != nil {
		return err
	}
	vals, err := rq.bodyValues(set)
	if err != nil {
		return err
	}
	var list []odatasql.Value
	for _, p := range set.Props {
		v, ok := vals[p]
		if p.Computed {
			continue // the database makes it; OData ignores a client's value
		}
		if !ok {
			if !p.Nullable && !p.Default {
				return query.Errorf(query.CodeBadRequest, p.Name, "%s is required", p.Name)
			}
			continue
		}
		list = append(list, odatasql.Value{Prop: p, Value: v})
	}
	b := rq.s.backends[set]
	stmt, args := b.dialect.Insert(set, list, set.Key)
	var key []any
	if b.dialect.Returning() {
		rows, err := b.db.QueryBuilt(rq.ctx, stmt, args)
		if err != nil {
			return err
		}
		if len(rows) != 1 {
			return errors.New("odata: INSERT RETURNING gave no row")
		}
		key = keyValues(set, rows[0])
	} else {
		res, err := b.db.ExecBuilt(rq.ctx, stmt, args)
		if err != nil {
			return err
		}
		key = make([]any, len(set.Key))
		for i, k := range set.Key {
			v, ok := vals[k]
			if k.Computed {
				v, ok = nil, false
			}
			if !ok && len(set.Key) == 1 && k.Type == query.TInt {
				v, ok = res.LastInsertID, true
			}
			if !ok {
				return errors.New("odata: the database did not report the new entity's key")
			}
			key[i] = v
		}
	}
	row, err := rq.fetchOne(set, keyMatch(set, key), nil)
	if err != nil {
		return err
	}
	if row == nil {
		return errors.New("odata: the created entity cannot be read back")
	}
	loc := rq.root + url.PathEscape(set.Name) + "(" + url.PathEscape(keyText(set, keyValues(set, row))) + ")"
	h := rq.w.Header()
	h.Set("Location", loc)
	if set.ETag != nil {
		h.Set("ETag", etagOf(set, row))
	}
	if prefers(rq.r, "return=minimal") {
		h.Set("OData-EntityId", loc)
		h.Set("Preference-Applied", "return=minimal")
		rq.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	rq.writeEntity(http.StatusCreated, set, row)
	return nil
}

// writeEntity answers one written entity, read back, with its context.
func (rq *request) writeEntity(status int, set *query.EntitySet, row map[string]any) {
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	writeJSON(&buf, rq.root+"$metadata#"+set.Name+"/$entity")
	rq.entity(&buf, set, row, nil, nil, true)
	rq.write(status, jsonType, buf.Bytes())
}

// prefers reports whether a Prefer header asks for pref, such as
// "return=minimal"; spaces in the header are ignored.
func prefers(r *http.Request, pref string) bool {
	for _, v := range r.Header.Values("Prefer") {
		if strings.Contains(strings.ReplaceAll(v, " ", ""), pref) {
			return true
		}
	}
	return false
}

// ifMatch adds the If-Match condition to match: nil when the header is
// absent or "*". An ETag that cannot be the set's is a failed precondition.
func (rq *request) ifMatch(set *query.EntitySet) (*odatasql.Match, error) {
	h := strings.TrimSpace(rq.r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	if set.ETag == nil {
		return nil, errorf(http.StatusPreconditionFailed, "preconditionFailed", "If-Match", set.Name+" has no ETag")
	}
	tag := strings.TrimPrefix(h, "W/")
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return nil, etagMismatch()
	}
	text, err := url.PathUnescape(tag[1 : len(tag)-1])
	if err != nil {
		return nil, etagMismatch()
	}
	var v any = text
	switch set.ETag.Type {
	case query.TInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, etagMismatch()
		}
		v = n
	case query.TDecimal, query.TDouble:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, etagMismatch()
		}
		v = f
	case query.TDateTimeOffset:
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return nil, etagMismatch()
		}
		v = t.UTC()
	}
	return &odatasql.Match{Prop: set.ETag, Value: v}, nil
}

// etagMismatch is the answer to an If-Match ETag that cannot be the set's.
func etagMismatch() error {
	return errorf(http.StatusPreconditionFailed, "preconditionFailed", "If-Match", "the ETag does not match")
}

// unchanged reports a write that changed no row: the entity is gone (404)
// or its ETag moved on (412).
func (rq *request) unchanged(set *query.EntitySet, cond *odatasql.Match) error {
	if cond != nil {
		row, err := rq.fetchOne(set, keyMatch(set, rq.path.Key), nil)
		if err != nil {
			return err
		}
		if row != nil {
			return errorf(http.StatusPreconditionFailed, "preconditionFailed", "If-Match", "the entity was changed since the ETag was read")
		}
	}
	return rq.notFound()
}

func (rq *request) update(replace bool) error {
	set := rq.path.Set
	if err := rq.readOnly(set); err != nil {
		return err
	}
	cond, err := rq.ifMatch(set)
	if err != nil {
		return err
	}
	vals, err := rq.bodyValues(set)
	if err != nil {
		return err
	}
	var list []odatasql.Value
	for _, p := range set.Props {
		v, given := vals[p]
		switch {
		case p.Key:
			if given && !sameKey(v, rq.path.Key[indexOf(set.Key, p)]) {
				return query.Errorf(query.CodeBadRequest, p.Name, "the key property %s cannot change", p.Name)
			}
			continue
		case p.Computed || p == set.ETag:
			continue
		case !given && replace:
			if !p.Nullable {
				return query.Errorf(query.CodeBadRequest, p.Name, "%s is required: PUT replaces the whole entity", p.Name)
			}
			v = nil
		case !given:
			continue
		}
		list = append(list, odatasql.Value{Prop: p, Value: v})
	}
	match := keyMatch(set, rq.path.Key)
	if cond != nil {
		match = append(match, *cond)
	}
	var version *odatasql.Value
	if e := set.ETag; e != nil && (e.Type == query.TInt || e.Type == query.TDecimal || e.Type == query.TDateTimeOffset) {
		version = &odatasql.Value{Prop: set.ETag, Value: time.Now().UTC()}
	}
	b := rq.s.backends[set]
	stmt, args := b.dialect.Update(set, list, match, version)
	res, err := b.db.ExecBuilt(rq.ctx, stmt, args)
	if err != nil {
		return err
	}
	if res.RowsAffected == 0 && (cond != nil || len(list) > 0 || version != nil) {
		// MySQL counts changed rows, not matched ones: look before saying 404.
		row, err := rq.fetchOne(set, match, nil)
		if err != nil {
			return err
		}
		if row == nil {
			return rq.unchanged(set, cond)
		}
	}
	row, err := rq.fetchOne(set, keyMatch(set, rq.path.Key), nil)
	if err != nil {
		return err
	}
	if row == nil {
		return rq.notFound()
	}
	if set.ETag != nil {
		rq.w.Header().Set("ETag", etagOf(set, row))
	}
	if !prefers(rq.r, "return=representation") {
		rq.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	rq.w.Header().Set("Preference-Applied", "return=representation")
	rq.writeEntity(http.StatusOK, set, row)
	return nil
}

func indexOf(list []*query.Property, p *query.Property) int {
	for i, q := range list {
		if q == p {
			return i
		}
	}
	return 0
}

func sameKey(a, b any) bool {
	return literalText(a, query.TInt) == literalText(b, query.TInt)
}

func (rq *request) remove() error {
	set := rq.path.Set
	if err := rq.readOnly(set); err != nil {
		return err
	}
	cond, err := rq.ifMatch(set)
	if err != nil {
		return err
	}
	match := keyMatch(set, rq.path.Key)
	if cond != nil {
		match = append(match, *cond)
	}
	b := rq.s.backends[set]
	stmt, args := b.dialect.Delete(set, match)
	res, err := b.db.ExecBuilt(rq.ctx, stmt, args)
	if err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return rq.unchanged(set, cond)
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

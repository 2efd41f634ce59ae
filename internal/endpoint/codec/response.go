package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Encode renders documents as the body of body type typ and returns the
// body and its Content-Type ("" for none).
//
// json: with asArray false and exactly one document, that document as is;
// otherwise a JSON array of the documents ([] for none). multijson: always
// an array. xml and text: the first document, as is when it is a string and
// as JSON text otherwise (empty without documents). binary: the first
// document, a base64 string, decoded. none: no body.
func Encode(typ string, docs []any, asArray bool) ([]byte, string, error) {
	switch typ {
	case None:
		return nil, "", nil
	case JSON, MultiJSON:
		var v any = docs
		if typ == JSON && !asArray && len(docs) == 1 {
			v = docs[0]
		} else if docs == nil {
			v = []any{}
		}
		b, err := marshal(v)
		return b, "application/json", err
	case XML, Text:
		ct := "text/plain; charset=utf-8"
		if typ == XML {
			ct = "application/xml; charset=utf-8"
		}
		if len(docs) == 0 {
			return nil, ct, nil
		}
		if s, ok := docs[0].(string); ok {
			return []byte(s), ct, nil
		}
		b, err := marshal(docs[0])
		return b, ct, err
	case Binary:
		const ct = "application/octet-stream"
		if len(docs) == 0 {
			return nil, ct, nil
		}
		s, ok := docs[0].(string)
		if !ok {
			return nil, "", fmt.Errorf("binary output: the document is %T, not a base64 string", docs[0])
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, "", fmt.Errorf("binary output: %w", err)
		}
		return b, ct, nil
	}
	return nil, "", fmt.Errorf("codec: unknown body type %q", typ)
}

// marshal writes JSON without HTML escaping ("<" stays "<"), since the body
// is an API answer, not a page.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

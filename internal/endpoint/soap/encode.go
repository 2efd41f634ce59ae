package soap

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/wsdl"
)

// writer builds an answer in a buffer: the answer goes out with its length
// or, when encoding fails half way, not at all.
type writer struct{ bytes.Buffer }

func (w *writer) text(s string) { _ = xml.EscapeText(w, []byte(s)) }

func (w *writer) open(name string) {
	w.WriteByte('<')
	w.WriteString(name)
	w.WriteByte('>')
}

func (w *writer) close(name string) {
	w.WriteString("</")
	w.WriteString(name)
	w.WriteByte('>')
}

func (w *writer) nilElement(name string) {
	w.WriteByte('<')
	w.WriteString(name)
	w.WriteString(` xsi:nil="true"/>`)
}

// envelopeStart opens the envelope and its Body.
func envelopeStart(w *writer, version string) {
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<soap:Envelope xmlns:soap="`)
	w.WriteString(nsOf(version))
	w.WriteString(`"><soap:Body>`)
}

func envelopeEnd(w *writer) { w.WriteString("</soap:Body></soap:Envelope>") }

// encodeResult writes the answer of an operation: its documents as result
// elements, inside the {operation}Response wrapper unless the service is
// unwrapped.
func (a *API) encodeResult(w *writer, version string, op *wsdl.Operation, docs []any) {
	envelopeStart(w, version)
	item := &wsdl.Field{Name: op.Result, Type: op.Response, Nillable: true}
	nsAttrs := ` xmlns="` + escapeAttr(a.svc.Namespace) + `" xmlns:xsi="` + nsXSI + `"`
	if a.svc.Unwrapped {
		for _, d := range docs {
			w.WriteString("<" + op.Result + nsAttrs + ">")
			content(w, item, d)
			w.close(op.Result)
		}
	} else {
		w.WriteString("<" + op.Name + "Response" + nsAttrs + ">")
		for _, d := range docs {
			element(w, item, d)
		}
		w.close(op.Name + "Response")
	}
	envelopeEnd(w)
}

// element writes v as the element of field f; a null value is xsi:nil when
// the field allows it and left out when it is optional.
func element(w *writer, f *wsdl.Field, v any) {
	if v == nil {
		if f.Nillable || !f.Optional {
			w.nilElement(f.Name)
		}
		return
	}
	w.open(f.Name)
	content(w, f, v)
	w.close(f.Name)
}

// content writes the inside of f's element for value v.
func content(w *writer, f *wsdl.Field, v any) {
	t := f.Type
	switch t.Kind {
	case wsdl.Object:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, sub := range t.Fields {
			sv, present := obj[sub.Name]
			if !present {
				if !sub.Optional {
					element(w, sub, nil)
				}
				continue
			}
			if arr, ok := sv.([]any); ok && sub.Repeated {
				for _, x := range arr {
					element(w, sub, x)
				}
				continue
			}
			element(w, sub, sv)
		}
	case wsdl.Any:
		genericContent(w, v)
	default:
		w.text(lexical(t.Kind, v))
	}
}

// genericContent writes a value of no declared type: an object as one
// element per key (keys that are no XML names are left out), an array as
// repeated item elements, a scalar as text.
func genericContent(w *writer, v any) {
	switch x := v.(type) {
	case nil:
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if model.ValidXMLName(k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if arr, ok := x[k].([]any); ok {
				for _, item := range arr {
					genericElement(w, k, item)
				}
				continue
			}
			genericElement(w, k, x[k])
		}
	case []any:
		for _, item := range x {
			genericElement(w, "item", item)
		}
	default:
		w.text(lexical(wsdl.String, v))
	}
}

func genericElement(w *writer, name string, v any) {
	if v == nil {
		w.nilElement(name)
		return
	}
	w.open(name)
	genericContent(w, v)
	w.close(name)
}

// lexical is a scalar's XML Schema form for kind k. Values the database
// hands over in another shape are brought to it: 0 and 1 for booleans,
// "2024-01-02 10:00:00" for dateTime.
func lexical(k wsdl.Kind, v any) string {
	switch k {
	case wsdl.Boolean:
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x)
		case int:
			return strconv.FormatBool(x != 0)
		case int64:
			return strconv.FormatBool(x != 0)
		case float64:
			return strconv.FormatBool(x != 0)
		case string:
			if x == "1" || x == "t" || x == "TRUE" || x == "True" {
				return "true"
			}
			if x == "0" || x == "f" || x == "FALSE" || x == "False" {
				return "false"
			}
		}
	case wsdl.Integer:
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return strconv.FormatInt(int64(f), 10)
		}
	case wsdl.Decimal:
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	case wsdl.DateTime:
		switch x := v.(type) {
		case time.Time:
			return x.Format(time.RFC3339Nano)
		case string:
			if len(x) >= 19 && x[10] == ' ' {
				return x[:10] + "T" + x[11:]
			}
		}
	case wsdl.Date:
		switch x := v.(type) {
		case time.Time:
			return x.Format(time.DateOnly)
		case string:
			if len(x) > 10 && (x[10] == 'T' || x[10] == ' ') {
				return x[:10]
			}
		}
	case wsdl.Base64:
		if b, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b)
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func escapeAttr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

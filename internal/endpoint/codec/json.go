// Package codec turns request bodies into documents and documents into
// response bodies for the declared body types (none, json, multijson, xml,
// text, binary).
package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// SyntaxError is a body that is not one JSON document.
type SyntaxError struct {
	Offset int64 // 0-based index of the first byte in error
	Msg    string
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// DecodeJSON decodes exactly one JSON document into the representation the
// process engine (gojq) works on: nil, bool, int (integral numbers that fit),
// float64, string, []any, map[string]any.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, syntaxError(err, dec.InputOffset(), int64(len(data)))
	}
	// One document only: anything but white space after it is an error.
	end := dec.InputOffset()
	rest := data[end:]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		return nil, &SyntaxError{Offset: end + int64(len(rest)-len(trimmed)), Msg: "unexpected data after the document"}
	}
	return convertNumbers(v, dec)
}

func syntaxError(err error, at, size int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// encoding/json counts the bytes read, the bad one included;
		// the offset names the bad byte itself (0-based).
		return &SyntaxError{Offset: max(se.Offset-1, 0), Msg: se.Error()}
	case errors.As(err, &te):
		return &SyntaxError{Offset: te.Offset, Msg: te.Error()}
	case errors.Is(err, io.EOF):
		return &SyntaxError{Offset: 0, Msg: "empty body"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &SyntaxError{Offset: size, Msg: "unexpected end of input"}
	}
	return &SyntaxError{Offset: at, Msg: err.Error()}
}

// convertNumbers replaces json.Number in place, walking the tree once.
func convertNumbers(v any, dec *json.Decoder) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return number(x, dec)
	case []any:
		for i, e := range x {
			c, err := convertNumbers(e, dec)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
	case map[string]any:
		for k, e := range x {
			if _, ok := e.(string); ok {
				continue
			}
			c, err := convertNumbers(e, dec)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
	}
	return v, nil
}

func number(n json.Number, dec *json.Decoder) (any, error) {
	if i, err := strconv.ParseInt(string(n), 10, 0); err == nil {
		return int(i), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		// The decoder has read the whole document by now; its offset
		// is the best place it can name.
		return nil, &SyntaxError{Offset: dec.InputOffset(), Msg: fmt.Sprintf("number %s is out of range", n)}
	}
	return f, nil
}

package process

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// Normalize converts a decoded JSON value or a database value into gojq's
// representation (nil, bool, int, float64, *big.Int, string, []any,
// map[string]any), so that jq programs and conditions can use it.
// json.Number becomes an int (a *big.Int when it overflows) or a float64;
// other integer and float types become int or float64; []byte becomes a
// string (base64 when it is not UTF-8); time.Time becomes an RFC 3339
// string; other maps and slices are converted element by element. Maps and
// []any it is given are converted in place and returned.
func Normalize(v any) any {
	switch v := v.(type) {
	case nil, bool, int, float64, string, *big.Int:
		return v
	case map[string]any:
		for k, e := range v {
			if n, changed := normalizeElem(e); changed {
				v[k] = n
			}
		}
		return v
	case []any:
		for i, e := range v {
			if n, changed := normalizeElem(e); changed {
				v[i] = n
			}
		}
		return v
	case json.Number:
		return normalizeNumber(string(v))
	case int64:
		return normalizeInt64(v)
	case int32:
		return int(v)
	case int16:
		return int(v)
	case int8:
		return int(v)
	case uint:
		return normalizeUint64(uint64(v))
	case uint64:
		return normalizeUint64(v)
	case uint32:
		return normalizeUint64(uint64(v))
	case uint16:
		return int(v)
	case uint8:
		return int(v)
	case float32:
		return float64(v)
	case []byte:
		if utf8.Valid(v) {
			return string(v)
		}
		return base64.StdEncoding.EncodeToString(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case *time.Time:
		if v == nil {
			return nil
		}
		return v.Format(time.RFC3339Nano)
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = Normalize(m)
		}
		return out
	case json.RawMessage:
		var d any
		if err := unmarshalNumbers(v, &d); err != nil {
			return string(v)
		}
		return Normalize(d)
	case error:
		return v.Error()
	}
	return normalizeReflect(reflect.ValueOf(v))
}

// normalizeElem normalizes an element of a map or []any and reports
// whether it must be stored back: values already in gojq's representation
// (and maps and []any, converted in place) are only read, never written, so
// that documents shared by executions stay race-free.
func normalizeElem(v any) (any, bool) {
	switch v.(type) {
	case nil, bool, int, float64, string, *big.Int:
		return v, false
	case map[string]any, []any:
		Normalize(v)
		return v, false
	}
	return Normalize(v), true
}

func normalizeNumber(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return normalizeInt64(n)
	}
	if b, ok := new(big.Int).SetString(s, 10); ok {
		return b
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return f
}

func normalizeInt64(n int64) any {
	if n >= math.MinInt && n <= math.MaxInt {
		return int(n)
	}
	return new(big.Int).SetInt64(n)
}

func normalizeUint64(n uint64) any {
	if n <= math.MaxInt {
		return int(n)
	}
	return new(big.Int).SetUint64(n)
}

// normalizeReflect handles named types and typed containers (sql.NullString
// aside, drivers return the basic types above) by their kind.
func normalizeReflect(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return Normalize(v.Elem().Interface())
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return normalizeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return normalizeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = Normalize(v.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[it.Key().String()] = Normalize(it.Value().Interface())
		}
		return out
	}
	// Anything else (structs, channels) goes through its JSON form.
	data, err := json.Marshal(v.Interface())
	if err != nil {
		return nil
	}
	var d any
	if err := unmarshalNumbers(data, &d); err != nil {
		return nil
	}
	return Normalize(d)
}

// unmarshalNumbers decodes JSON keeping numbers exact (json.Number).
func unmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

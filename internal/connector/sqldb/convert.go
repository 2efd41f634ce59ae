package sqldb

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Column values become JSON values in gojq's representation (see the
// package documentation for the table): the driver's Go value and the
// column's database type name decide together.

// colKind is how one result column converts.
type colKind uint8

const (
	kindPlain   colKind = iota // driver value as is, text bytes as string
	kindBinary                 // bytes → base64
	kindDecimal                // exact decimal → int, float64 or string
	kindJSON                   // JSON text → decoded value
	kindBool                   // SQLite BOOLEAN: 0/1 → bool
	kindDate                   // date only → "2006-01-02"
	kindBit                    // MySQL BIT → unsigned integer
)

// columnKinds derives each column's conversion from its database type.
func columnKinds(driver string, types []*sql.ColumnType) []colKind {
	kinds := make([]colKind, len(types))
	for i, ct := range types {
		name := strings.ToUpper(ct.DatabaseTypeName())
		if j := strings.IndexByte(name, '('); j >= 0 { // SQLite reports the declared type, e.g. DECIMAL(10,2)
			name = strings.TrimSpace(name[:j])
		}
		switch {
		case driver == "sqlite" && (name == "BOOLEAN" || name == "BOOL"):
			kinds[i] = kindBool
		case driver == "sqlite" && name == "DATE":
			kinds[i] = kindDate
		case driver == "sqlite":
			kinds[i] = kindBinary // a []byte from SQLite always is a BLOB
		case name == "DECIMAL" || name == "NUMERIC":
			kinds[i] = kindDecimal
		case name == "JSON" || name == "JSONB":
			kinds[i] = kindJSON
		case name == "DATE":
			kinds[i] = kindDate
		case name == "BIT" && driver == "mysql":
			kinds[i] = kindBit
		case name == "BYTEA", strings.HasSuffix(name, "BLOB"), name == "BINARY", name == "VARBINARY", name == "GEOMETRY":
			kinds[i] = kindBinary
		}
	}
	return kinds
}

// convertValue turns one scanned driver value into a JSON value.
func convertValue(v any, k colKind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		if k == kindBool {
			return x != 0
		}
		return int(x)
	case int32:
		return int(x)
	case int16:
		return int(x)
	case int8:
		return int(x)
	case int:
		return x
	case uint64:
		if x <= math.MaxInt64 {
			return int(x)
		}
		return strconv.FormatUint(x, 10)
	case uint32:
		return int(x)
	case float32:
		return float64(x)
	case float64:
		return x
	case bool:
		return x
	case time.Time:
		if k == kindDate {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		switch k {
		case kindBinary:
			return base64.StdEncoding.EncodeToString(x)
		case kindDecimal:
			return decimalValue(string(x))
		case kindJSON:
			return jsonValue(x)
		case kindBit:
			return bitValue(x)
		}
		return string(x)
	case string:
		switch k {
		case kindDecimal:
			return decimalValue(x)
		case kindJSON:
			return jsonValue([]byte(x))
		}
		return x
	default:
		return v
	}
}

// decimalValue keeps an exact decimal exact: an integer that fits becomes
// int, a number whose float64 prints back to the same digits becomes
// float64, anything else (more digits than a float64 holds, NaN, Infinity)
// stays the decimal's text.
func decimalValue(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int(i)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	if strconv.FormatFloat(f, 'f', -1, 64) == canonicalDecimal(s) {
		return f
	}
	return s
}

// canonicalDecimal drops the trailing zeros of a fraction ("12.50" → "12.5",
// "3.00" → "3"), the form strconv.FormatFloat prints.
func canonicalDecimal(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// jsonValue decodes a JSON column; integers become int as gojq expects.
// Text that is not JSON (which a database should not hold) stays text.
func jsonValue(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b)
	}
	return fromJSONNumbers(v)
}

func fromJSONNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case []any:
		for i := range x {
			x[i] = fromJSONNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = fromJSONNumbers(x[k])
		}
	}
	return v
}

// bitValue reads a MySQL BIT(n) value, sent big-endian.
func bitValue(b []byte) any {
	if len(b) > 8 {
		return base64.StdEncoding.EncodeToString(b)
	}
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return convertValue(u, kindPlain)
}

// argValue turns one JSON argument into a value every driver accepts:
// *big.Int as int64 when it fits (else its decimal text), arrays and
// objects as their JSON text (for JSON columns).
func argValue(v any) (any, error) {
	switch x := v.(type) {
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return x.String(), nil
	case []any, map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
	return v, nil
}

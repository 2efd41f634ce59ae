package odata

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// outValue converts a database value (sqldb's JSON shapes) to the OData
// JSON value of a property of type t.
func outValue(v any, t query.Type) any {
	if v == nil {
		return nil
	}
	switch t {
	case query.TBool:
		switch x := v.(type) {
		case int:
			return x != 0
		case int64:
			return x != 0
		case string:
			return x == "1" || strings.EqualFold(x, "true")
		}
	case query.TInt:
		switch x := v.(type) {
		case float64:
			return int64(x)
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n
			}
		}
	case query.TDecimal, query.TDouble:
		switch x := v.(type) {
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return json.Number(x)
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil
			}
		}
	case query.TDate:
		switch x := v.(type) {
		case time.Time:
			return x.Format(time.DateOnly)
		case string:
			if len(x) > 10 && x[4] == '-' {
				return x[:10]
			}
		}
	case query.TDateTimeOffset:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano)
		case string:
			return dateTimeText(x)
		}
	case query.TBinary:
		if s, ok := v.(string); ok {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				return base64.URLEncoding.EncodeToString(b)
			}
		}
	}
	return v
}

// dateTimeText turns the text forms databases keep date-times in
// ("2024-01-05 10:00:00", with or without zone) into RFC 3339.
func dateTimeText(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return s
}

// inValue converts a JSON value of a request body (numbers as
// json.Number) to the value bound for property p.
func inValue(v any, p *query.Property) (any, error) {
	if v == nil {
		if !p.Nullable {
			return nil, fmt.Errorf("%s must not be null", p.Name)
		}
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%s is %s: %s does not fit", p.Name, p.Edm, describe(v))
	}
	switch p.Type {
	case query.TString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case query.TBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case query.TInt:
		if n, ok := v.(json.Number); ok {
			if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
				return i, nil
			}
		}
	case query.TDecimal, query.TDouble:
		switch x := v.(type) {
		case json.Number:
			if f, err := strconv.ParseFloat(string(x), 64); err == nil {
				return f, nil
			}
		case string: // IEEE754Compatible clients send decimals as strings
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, nil
			}
		}
	case query.TDate:
		if s, ok := v.(string); ok {
			if _, err := time.Parse(time.DateOnly, s); err == nil {
				return s, nil
			}
		}
	case query.TDateTimeOffset:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t.UTC(), nil
			}
		}
	case query.TTimeOfDay:
		if s, ok := v.(string); ok {
			if _, err := time.Parse("15:04:05.999999999", s); err == nil {
				return s, nil
			}
		}
	case query.TGuid:
		if s, ok := v.(string); ok {
			if u, err := uuid.Parse(s); err == nil && len(s) == 36 {
				return u.String(), nil
			}
		}
	case query.TBinary:
		if s, ok := v.(string); ok {
			b, err := base64.URLEncoding.DecodeString(s)
			if err != nil {
				b, err = base64.StdEncoding.DecodeString(s)
			}
			if err == nil {
				return b, nil
			}
		}
	}
	return bad()
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "the number " + string(x)
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// keyText writes key values as a key predicate: "1", "'A”B'",
// "orderId=1,lineNo=2".
func keyText(set *query.EntitySet, vals []any) string {
	parts := make([]string, len(set.Key))
	for i, k := range set.Key {
		lit := literalText(outValue(vals[i], k.Type), k.Type)
		if len(set.Key) == 1 {
			return lit
		}
		parts[i] = k.Name + "=" + lit
	}
	return strings.Join(parts, ",")
}

// literalText writes a value as an OData URL literal.
func literalText(v any, t query.Type) string {
	switch t {
	case query.TString:
		s, _ := v.(string)
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

package scaffold

import (
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// JSONType is the JSON shape a column's values take (as the sqldb
// connector returns them).
type JSONType string

// JSON types of columns.
const (
	TypeInteger  JSONType = "integer"
	TypeNumber   JSONType = "number"
	TypeString   JSONType = "string"
	TypeBoolean  JSONType = "boolean"
	TypeDate     JSONType = "date"      // string, format date
	TypeDateTime JSONType = "date-time" // string, format date-time
	TypeUUID     JSONType = "uuid"      // string, format uuid
	TypeBinary   JSONType = "binary"    // base64 string
	TypeJSON     JSONType = "json"      // any JSON value
)

// MapType maps a column's SQL type to its JSON type; ok is false for a
// type Portico does not know, which maps to string (the text the driver
// hands back) and deserves a warning.
func MapType(dialect, sqlType string) (t JSONType, ok bool) {
	s := strings.ToLower(strings.TrimSpace(sqlType))
	base := s
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = strings.TrimSpace(base[:i])
	}
	base = strings.TrimSuffix(base, " unsigned")
	switch base {
	case "int", "integer", "smallint", "bigint", "tinyint", "mediumint", "int2", "int4", "int8",
		"serial", "bigserial", "smallserial", "bit", "year":
		return TypeInteger, true
	case "real", "float", "float4", "float8", "double", "double precision", "decimal", "numeric", "dec", "fixed":
		return TypeNumber, true
	case "boolean", "bool":
		if dialect == "mysql" {
			return TypeInteger, true // MySQL BOOLEAN is TINYINT(1) and comes back as 0/1
		}
		return TypeBoolean, true
	case "char", "varchar", "character", "character varying", "text", "tinytext", "mediumtext", "longtext",
		"nchar", "nvarchar", "varying character", "native character", "clob", "citext", "name", "enum", "set", "string":
		return TypeString, true
	case "date":
		return TypeDate, true
	case "timestamp", "timestamptz", "datetime", "timestamp without time zone", "timestamp with time zone":
		return TypeDateTime, true
	case "uuid":
		return TypeUUID, true
	case "bytea", "blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary":
		return TypeBinary, true
	case "json", "jsonb":
		return TypeJSON, true
	case "time", "time without time zone", "time with time zone", "timetz", "interval":
		return TypeString, true
	}
	if dialect == "sqlite" {
		return sqliteAffinity(s)
	}
	return TypeString, false
}

// sqliteAffinity applies SQLite's own rules (section 3.1 of its datatype
// page) to a declared type the switch did not know.
func sqliteAffinity(s string) (JSONType, bool) {
	switch {
	case strings.Contains(s, "int"):
		return TypeInteger, true
	case strings.Contains(s, "char"), strings.Contains(s, "clob"), strings.Contains(s, "text"):
		return TypeString, true
	case strings.Contains(s, "blob"):
		return TypeBinary, true
	case strings.Contains(s, "real"), strings.Contains(s, "floa"), strings.Contains(s, "doub"):
		return TypeNumber, true
	case strings.Contains(s, "bool"):
		return TypeBoolean, true
	case strings.Contains(s, "datetime"), strings.Contains(s, "timestamp"):
		return TypeDateTime, true
	}
	return TypeString, false
}

// schema is the JSON Schema of one column's values.
func (c *Column) schema(t JSONType) model.Schema {
	s := model.Schema{}
	base := string(t)
	switch t {
	case TypeDate, TypeDateTime, TypeUUID:
		base = "string"
		s["format"] = string(t)
	case TypeBinary:
		base = "string"
		s["contentEncoding"] = "base64"
	case TypeJSON:
		return s // any value, null included
	case TypeString:
		if c.MaxLength > 0 {
			s["maxLength"] = c.MaxLength
		}
	}
	if c.Nullable {
		s["type"] = []any{base, "null"}
	} else {
		s["type"] = base
	}
	return s
}

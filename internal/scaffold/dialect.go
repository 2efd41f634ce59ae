package scaffold

import "strings"

// sqlDialect is what generated SQL spells differently per database.
type sqlDialect struct {
	name      string
	returning bool // INSERT ... RETURNING
	// updateReturning: UPDATE ... RETURNING (SQLite, PostgreSQL; not MariaDB).
	updateReturning bool
}

func dialectOf(db *Database) sqlDialect {
	return sqlDialect{name: db.Dialect, returning: db.Returning, updateReturning: db.Dialect != "mysql"}
}

// quote quotes an identifier so that reserved words and odd names work.
func (d sqlDialect) quote(id string) string {
	if d.name == "mysql" {
		return "`" + strings.ReplaceAll(id, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
}

// literal is a SQL string literal of s.
func (d sqlDialect) literal(s string) string {
	s = strings.ReplaceAll(s, "'", "''")
	if d.name == "mysql" {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + s + "'"
}

// value is the SQL expression that turns parameter p into c's stored
// form: base64 text becomes bytes for binary columns.
func (d sqlDialect) value(c *Column, p string) string {
	if c.Type != TypeBinary {
		return ":" + p
	}
	switch d.name {
	case "postgres":
		return "decode(:" + p + ", 'base64')"
	case "mysql":
		return "FROM_BASE64(:" + p + ")"
	}
	return "CAST(:" + p + " AS BLOB)" // the jq parameter already decoded it
}

// isNull tests whether parameter p is NULL. PostgreSQL must learn the
// parameter's type at its first use, or it deduces text there and then
// refuses the comparison with the column.
func (d sqlDialect) isNull(c *Column, p string) string {
	if d.name != "postgres" {
		return ":" + p + " IS NULL"
	}
	t := "text"
	switch c.Type {
	case TypeInteger:
		t = "bigint"
	case TypeNumber:
		t = "numeric"
	case TypeBoolean:
		t = "boolean"
	case TypeDate:
		t = "date"
	case TypeDateTime:
		t = "timestamptz"
	case TypeUUID:
		t = "uuid"
	}
	return "CAST(:" + p + " AS " + t + ") IS NULL"
}

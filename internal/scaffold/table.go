package scaffold

// Database is what introspection found: the dialect, what it can do, and
// the tables, in the order they were asked for (or by name).
type Database struct {
	// Dialect is the connection driver: sqlite, postgres or mysql.
	Dialect string
	// Returning reports INSERT ... RETURNING support (SQLite, PostgreSQL,
	// MariaDB 10.5+; not MySQL).
	Returning bool
	Tables    []Table
	// Warnings are what the generated API will not do as users may expect
	// (a table without a primary key, an unsupported column type).
	Warnings []string
}

// Table is one table, dialect-neutral.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string // column names, in key order; empty without one
	ForeignKeys []ForeignKey
	Uniques     [][]string // unique constraints and unique indexes, primary key excluded
}

// Column is one column of a table.
type Column struct {
	Name    string
	SQLType string // as the catalog spells it, e.g. "varchar(200)", "INTEGER"
	// Type is the JSON shape of the values (MapType of SQLType).
	Type     JSONType
	Nullable bool
	// Default is the default expression as the catalog holds it (SQL
	// text, already quoted for literals); empty when there is none.
	Default string
	// Generated marks a value the database makes on insert: an
	// autoincrement, serial or identity key.
	Generated bool
	// Always marks an identity that refuses explicit values (PostgreSQL
	// GENERATED ALWAYS) and computed columns: never written.
	Always bool
	// MaxLength is a character column's declared length (0: unknown).
	MaxLength int
}

// ForeignKey is a reference from Columns to RefColumns of RefTable.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// IsKey reports whether name is part of the primary key.
func (t *Table) IsKey(name string) bool {
	for _, k := range t.PrimaryKey {
		if k == name {
			return true
		}
	}
	return false
}

// Package scaffold turns database tables into ordinary Portico components:
// it introspects SQLite, PostgreSQL and MySQL/MariaDB into a dialect-neutral
// Database (tables, columns, keys, foreign keys, unique constraints) and
// generates, from that model alone, JSON Schema profiles, CRUD processes and
// the API whose endpoints link them. The output is meant to be edited.
//
// Generation is split by endpoint style (Generator): REST is the one
// available; SOAP operations and OData entity sets plug in as further
// generators over the same Database.
//
// Safety rules the generated SQL keeps: identifiers are quoted per dialect
// from the catalog, values always travel as :name parameters, and sorting
// picks among whitelisted columns with CASE expressions, so no text from a
// request is ever spliced into a statement.
package scaffold

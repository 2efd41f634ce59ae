// Package sample creates the ERP sample database of `portico quickstart`:
// customers, products, orders and order lines in one SQLite file, with the
// keys and constraints a real ERP schema has (foreign keys, a composite
// primary key, a unique email, NOT NULL and CHECK constraints) and about a
// thousand rows made up deterministically in Go, so every machine gets the
// same data and the printed examples hold.
package sample

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"

	// The pure-Go SQLite driver the runtime uses too.
	_ "modernc.org/sqlite"
)

// FileName is the sample database's file in the data directory.
const FileName = "erp.db"

// Tables are the sample's tables, parents before children.
var Tables = []string{"customers", "products", "orders", "order_lines"}

// schema creates the tables. Keys are INTEGER PRIMARY KEY (the rowid), so
// SQLite assigns new ids as max(id)+1, which quickstart relies on to print
// the id a create will get.
var schema = []string{
	`CREATE TABLE customers (
	id         INTEGER PRIMARY KEY,
	name       VARCHAR(100) NOT NULL,
	company    VARCHAR(120),
	email      VARCHAR(200) NOT NULL UNIQUE,
	phone      VARCHAR(40),
	city       VARCHAR(80)  NOT NULL,
	country    CHAR(2)      NOT NULL,
	created_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
	`CREATE TABLE products (
	id         INTEGER PRIMARY KEY,
	sku        VARCHAR(20)   NOT NULL UNIQUE,
	name       VARCHAR(120)  NOT NULL,
	category   VARCHAR(40)   NOT NULL,
	unit_price NUMERIC(10,2) NOT NULL CHECK (unit_price >= 0),
	stock      INTEGER       NOT NULL DEFAULT 0 CHECK (stock >= 0),
	created_at TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
	`CREATE TABLE orders (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER     NOT NULL REFERENCES customers (id),
	order_date  DATE        NOT NULL,
	status      VARCHAR(20) NOT NULL DEFAULT 'new'
	            CHECK (status IN ('new', 'paid', 'shipped', 'delivered', 'cancelled')),
	currency    CHAR(3)     NOT NULL DEFAULT 'EUR',
	created_at  TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
	`CREATE INDEX orders_customer_id ON orders (customer_id)`,
	`CREATE TABLE order_lines (
	order_id   INTEGER       NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	line_no    INTEGER       NOT NULL CHECK (line_no > 0),
	product_id INTEGER       NOT NULL REFERENCES products (id),
	quantity   INTEGER       NOT NULL CHECK (quantity > 0),
	unit_price NUMERIC(10,2) NOT NULL CHECK (unit_price >= 0),
	PRIMARY KEY (order_id, line_no)
)`,
	`CREATE INDEX order_lines_product_id ON order_lines (product_id)`,
}

// ErrPartial reports a database that holds some of the sample's tables but
// not all: something else made them, and Create leaves it alone.
var ErrPartial = errors.New("the database holds some of the sample's tables but not all")

// Counts are the rows of each table.
type Counts struct {
	Customers, Products, Orders, OrderLines int
}

// Total is the number of rows in all tables.
func (c Counts) Total() int { return c.Customers + c.Products + c.Orders + c.OrderLines }

// DSN is the connection DSN of the database at path (absolute), with
// foreign keys enforced, in the form the sqldb connector opens.
func DSN(path string) string {
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?_pragma=foreign_keys(1)"
}

// Create makes the sample database at path: tables and rows in one
// transaction. A database that already holds the tables is left as it is
// (created false), so running quickstart again duplicates nothing; one that
// holds only some of them is ErrPartial.
func Create(ctx context.Context, path string) (created bool, err error) {
	// An immediate transaction takes the write lock before the check, so two
	// quickstarts at once cannot both find the tables missing.
	db, err := sql.Open("sqlite", DSN(path)+"&_txlock=immediate&_pragma=busy_timeout(10000)")
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() {
		if !created {
			_ = tx.Rollback()
		}
	}()
	have, err := existing(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("read the tables of %s: %w", path, err)
	}
	switch {
	case len(have) == len(Tables):
		return false, nil
	case len(have) > 0:
		return false, fmt.Errorf("%s: %w (it has %v; move it away or use another --data)", path, ErrPartial, have)
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("create the sample tables in %s: %w", path, err)
		}
	}
	if err := insert(ctx, tx, generate()); err != nil {
		return false, fmt.Errorf("fill %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit %s: %w", path, err)
	}
	return true, nil
}

// existing lists which of the sample's tables the database has.
func existing(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var have []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if slices.Contains(Tables, n) {
			have = append(have, n)
		}
	}
	slices.Sort(have)
	return have, rows.Err()
}

// Count reads the number of rows of each table of the database at path.
func Count(ctx context.Context, path string) (Counts, error) {
	db, err := sql.Open("sqlite", DSN(path)+"&mode=ro")
	if err != nil {
		return Counts{}, err
	}
	defer db.Close()
	var c Counts
	for _, t := range []struct {
		table string
		n     *int
	}{{"customers", &c.Customers}, {"products", &c.Products}, {"orders", &c.Orders}, {"order_lines", &c.OrderLines}} {
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.table).Scan(t.n); err != nil {
			return Counts{}, fmt.Errorf("count %s in %s: %w", t.table, path, err)
		}
	}
	return c, nil
}

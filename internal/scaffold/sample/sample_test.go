package sample_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/scaffold"
	"github.com/portico-dev/portico/internal/scaffold/sample"
)

func create(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), sample.FileName)
	created, err := sample.Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatal("Create on a new file reported created=false")
	}
	return path
}

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", sample.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCreateRowsAndConstraints(t *testing.T) {
	t.Parallel()
	path := create(t)
	ctx := context.Background()
	c, err := sample.Count(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Customers != 150 || c.Products != 50 || c.Orders != 250 {
		t.Errorf("counts = %+v, want 150 customers, 50 products, 250 orders", c)
	}
	if c.OrderLines < c.Orders || c.OrderLines > 4*c.Orders {
		t.Errorf("%d order lines for %d orders, want 1 to 4 each", c.OrderLines, c.Orders)
	}
	if c.Total() < 800 || c.Total() > 1300 {
		t.Errorf("total rows %d, want about a thousand", c.Total())
	}
	db := open(t, path)
	rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("PRAGMA foreign_key_check reports violations")
	}
	rows.Close()
	var fk int
	if err := db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("the DSN does not turn foreign keys on (foreign_keys = %d, %v)", fk, err)
	}
	for _, q := range []struct{ name, sql string }{
		{"orders without lines", `SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)`},
		{"orders before their customer", `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_date < date(c.created_at)`},
		{"duplicate emails", `SELECT count(*) - count(DISTINCT email) FROM customers`},
		{"emails without @", `SELECT count(*) FROM customers WHERE email NOT LIKE '%_@_%._%'`},
		{"non-ASCII emails", `SELECT count(*) FROM customers WHERE email GLOB '*[^a-z0-9.@-]*'`},
		{"lines with a non-positive quantity", `SELECT count(*) FROM order_lines WHERE quantity <= 0`},
	} {
		var n int
		if err := db.QueryRow(q.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d", q.name, n)
		}
	}
	// The constraints are really there: the database refuses bad rows.
	for _, bad := range []struct{ name, sql, want string }{
		{"unique email", `INSERT INTO customers (name, email, city, country) SELECT 'X', email, 'Y', 'DE' FROM customers WHERE id = 1`, "UNIQUE"},
		{"not null", `INSERT INTO customers (name, email, city, country) VALUES (NULL, 'x@example.com', 'Y', 'DE')`, "NOT NULL"},
		{"order of an unknown customer", `INSERT INTO orders (customer_id, order_date) VALUES (99999, '2025-01-01')`, "FOREIGN KEY"},
		{"line of an unknown product", `INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 99, 99999, 1, 1)`, "FOREIGN KEY"},
		{"zero quantity", `INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 99, 1, 0, 1)`, "CHECK"},
		{"duplicate line", `INSERT INTO order_lines SELECT * FROM order_lines LIMIT 1`, "UNIQUE"},
		{"customer with orders", `DELETE FROM customers WHERE id = (SELECT customer_id FROM orders LIMIT 1)`, "FOREIGN KEY"},
	} {
		_, err := db.Exec(bad.sql)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want a %s violation", bad.name, err, bad.want)
		}
	}
}

func TestCreateIsDeterministic(t *testing.T) {
	t.Parallel()
	dump := func(path string) string {
		db := open(t, path)
		var b strings.Builder
		for _, q := range []string{
			`SELECT group_concat(id || name || coalesce(company, '') || email || phone || city || country || created_at, '|') FROM customers`,
			`SELECT group_concat(sku || name || unit_price || stock, '|') FROM products`,
			`SELECT group_concat(id || customer_id || order_date || status || currency, '|') FROM orders`,
			`SELECT group_concat(order_id || line_no || product_id || quantity || unit_price, '|') FROM order_lines`,
		} {
			var s string
			if err := db.QueryRow(q).Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s)
		}
		return b.String()
	}
	if a, b := dump(create(t)), dump(create(t)); a != b {
		t.Error("two sample databases differ")
	}
}

func TestCreateTwiceLeavesTheDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := create(t)
	db := open(t, path)
	if _, err := db.Exec(`UPDATE customers SET city = 'Changed' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	before, err := sample.Count(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	created, err := sample.Create(ctx, path)
	if err != nil || created {
		t.Fatalf("second Create = %v, %v; want false, nil", created, err)
	}
	after, err := sample.Count(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("counts changed from %+v to %+v", before, after)
	}
	var city string
	if err := db.QueryRow(`SELECT city FROM customers WHERE id = 1`).Scan(&city); err != nil || city != "Changed" {
		t.Errorf("city = %q, %v: the second Create touched the rows", city, err)
	}
}

func TestCreateRefusesAPartialDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "other.db")
	db := open(t, path)
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	_, err := sample.Create(context.Background(), path)
	if !errors.Is(err, sample.ErrPartial) {
		t.Fatalf("Create = %v, want ErrPartial", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d tables after a refused Create (%v), want the 1 there was", n, err)
	}
}

func TestCreateInADirectoryWithOddCharacters(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "my data? #1 %20")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sample.FileName)
	if _, err := sample.Create(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %s: %v", path, err)
	}
}

func TestExamples(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := create(t)
	ex, err := sample.ReadExamples(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if ex.CustomerID != 1 || ex.NextCustomerID != 151 || ex.NewEmail != "ada.lovelace@example.com" || ex.Country == "" || ex.OrderID < 1 {
		t.Errorf("examples = %+v", ex)
	}
	db := open(t, path)
	res, err := db.Exec(`INSERT INTO customers (name, email, city, country) VALUES ('Ada', ?, 'London', 'GB')`, ex.NewEmail)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := res.LastInsertId(); id != int64(ex.NextCustomerID) {
		t.Errorf("the new customer got id %d, examples said %d", id, ex.NextCustomerID)
	}
	var lines int
	if err := db.QueryRow(`SELECT count(*) FROM order_lines WHERE order_id = ?`, ex.OrderID).Scan(&lines); err != nil || lines < 2 {
		t.Errorf("order %d has %d lines (%v), want several", ex.OrderID, lines, err)
	}
	ex2, err := sample.ReadExamples(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if ex2.NewEmail == ex.NewEmail || ex2.NextCustomerID != ex.NextCustomerID+1 {
		t.Errorf("after a create, examples = %+v", ex2)
	}
}

// The generator makes the whole REST API of the sample without warnings.
func TestGenerateOverTheSample(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, create(t))
	in, err := scaffold.Introspect(ctx, db, "sqlite", sample.Tables)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scaffold.Generate(in, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	if got, want := len(res.Components), 4*7+1; got != want {
		t.Errorf("%d components, want %d (7 processes per table and the API)", got, want)
	}
}

package odata_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/testdb"
)

// forEachDriver runs fn against SQLite always, PostgreSQL when
// PORTICO_TEST_POSTGRES and MariaDB/MySQL when PORTICO_TEST_MYSQL is set,
// each in a schema (database) of its own.
func forEachDriver(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, driver := range model.DatabaseDrivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			fn(t, openBackend(t, driver))
		})
	}
}

func openBackend(t testing.TB, driver string) *sqldb.DB {
	t.Helper()
	spec := &model.DatabaseConnection{Driver: driver, DSN: model.Secret(testdb.DSN(t, driver))}
	db, err := sqldb.Open(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// schema creates the test tables and rows in db.
func schema(t testing.TB, db *sqldb.DB) {
	t.Helper()
	serial, ts := "INTEGER PRIMARY KEY", "TIMESTAMP"
	switch db.Driver() {
	case "postgres":
		serial = "SERIAL PRIMARY KEY"
	case "mysql":
		serial, ts = "INTEGER AUTO_INCREMENT PRIMARY KEY", "DATETIME"
	}
	stmts := []string{
		`CREATE TABLE customers (id ` + serial + `, name VARCHAR(100) NOT NULL, email VARCHAR(200) UNIQUE,
			city VARCHAR(80), created_at ` + ts + ` NOT NULL, version INTEGER NOT NULL DEFAULT 1)`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
			order_date DATE NOT NULL, status VARCHAR(20) NOT NULL, total NUMERIC(10,2) NOT NULL)`,
		`CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders (id), line_no INTEGER NOT NULL,
			sku VARCHAR(20) NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (order_id, line_no))`,
		`INSERT INTO customers (id, name, email, city, created_at) VALUES
			(1, 'Alice', 'alice@example.com', 'Paris', '2024-01-05 10:00:00'),
			(2, 'Bob', NULL, 'Berlin', '2024-02-10 12:30:00'),
			(3, 'O''Brien', 'ob@example.com', NULL, '2024-03-15 08:00:00'),
			(4, 'Dora', 'dora@example.com', 'Paris', '2025-06-01 00:00:00')`,
		`INSERT INTO orders (id, customer_id, order_date, status, total) VALUES
			(10, 1, '2024-01-06', 'paid', 100.50), (11, 1, '2024-02-01', 'new', 20.00), (12, 2, '2024-02-11', 'shipped', 75.25)`,
		`INSERT INTO order_lines VALUES (10, 1, 'A1', 2), (10, 2, 'B2', 1), (12, 1, 'A1', 5)`,
	}
	if db.Driver() == "postgres" {
		stmts = append(stmts, `SELECT setval('customers_id_seq', 4)`)
	}
	for _, s := range stmts {
		if _, err := db.QueryBuilt(context.Background(), s, nil); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

const apiYAML = `
kind: API
name: erp
spec:
  basePath: erp
  version: v1
  odata:
    namespace: ERP
    maxPageSize: 50
    maxExpandDepth: 2
    entitySets:
      - name: Customers
        entityType: Customer
        connection: erpdb
        table: customers
        key: [id]
        etag: version
        properties:
          - {name: id, type: Edm.Int32, nullable: false, computed: true}
          - {name: name, type: Edm.String, nullable: false, maxLength: 100}
          - {name: email, type: Edm.String, maxLength: 200}
          - {name: city, type: Edm.String}
          - {name: createdAt, column: created_at, type: Edm.DateTimeOffset, nullable: false}
          - {name: version, type: Edm.Int32, nullable: false, computed: true}
        navigation:
          - {name: Orders, target: Orders, many: true, on: {id: customerId}}
      - name: Orders
        entityType: Order
        connection: erpdb
        table: orders
        key: [id]
        properties:
          - {name: id, type: Edm.Int32, nullable: false}
          - {name: customerId, column: customer_id, type: Edm.Int32, nullable: false}
          - {name: orderDate, column: order_date, type: Edm.Date, nullable: false}
          - {name: status, type: Edm.String, nullable: false}
          - {name: total, type: Edm.Decimal, nullable: false, precision: 10, scale: 2}
        navigation:
          - {name: Customer, target: Customers, on: {customerId: id}}
          - {name: Lines, target: OrderLines, many: true, on: {id: orderId}}
      - name: OrderLines
        entityType: OrderLine
        connection: erpdb
        table: order_lines
        key: [orderId, lineNo]
        properties:
          - {name: orderId, column: order_id, type: Edm.Int32, nullable: false}
          - {name: lineNo, column: line_no, type: Edm.Int32, nullable: false}
          - {name: sku, type: Edm.String, nullable: false}
          - {name: quantity, type: Edm.Int32, nullable: false}
        navigation:
          - {name: Order, target: Orders, on: {orderId: id}}
`

// apiSpec decodes and validates apiYAML.
func apiSpec(t testing.TB) *model.APISpec {
	t.Helper()
	docs, err := manifest.Decode("api.yaml", []byte(apiYAML))
	if err != nil {
		t.Fatal(err)
	}
	spec := docs[0].Component.Spec.(*model.APISpec)
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	return spec
}

// server starts the OData service over db.
func server(t testing.TB, db *sqldb.DB) *httptest.Server {
	t.Helper()
	svc, err := odata.Compile(odata.Input{Name: "erp", API: apiSpec(t), DBs: map[string]*sqldb.DB{"erpdb": db}},
		endpoint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(odata.NewRouter(odata.DefaultPrefix, []*odata.Service{svc}))
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func do(t testing.TB, method, u string, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, body: b}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &r.json); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, u, b)
		}
	}
	return r
}

// ids lists the "id" (or key) values of a collection answer.
func ids(r response, key string) []any {
	vals, _ := r.json["value"].([]any)
	out := []any{}
	for _, v := range vals {
		out = append(out, v.(map[string]any)[key])
	}
	return out
}

package sqldb_test

import (
	"context"
	"testing"
)

// BenchmarkQueryByID is the runtime's hottest statement: one row by primary
// key through a Statement shared by all runs, on every driver configured.
func BenchmarkQueryByID(b *testing.B) {
	for _, driver := range []string{"sqlite", "postgres", "mysql"} {
		b.Run(driver, func(b *testing.B) {
			db := newBackend(b, driver).open(b)
			exec(b, db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(50), country VARCHAR(2))", nil)
			exec(b, db, "INSERT INTO customers VALUES (42, 'Customer 42', 'c42@example.com', 'GB')", nil)
			st, err := db.Prepare("SELECT id, name, email, country FROM customers WHERE id = :id")
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			args := map[string]any{"id": 42}
			b.ReportAllocs()
			for b.Loop() {
				rows, err := st.Query(ctx, args)
				if err != nil || len(rows) != 1 || rows[0]["id"] != 42 {
					b.Fatalf("rows %v, error %v", rows, err)
				}
			}
		})
	}
}

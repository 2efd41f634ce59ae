package sample

import (
	"context"
	"database/sql"
	"fmt"
)

// Examples are values for the requests quickstart prints, read from the
// database as it is at that moment, so that the printed lines work when
// pasted even after earlier experiments changed the rows.
type Examples struct {
	CustomerID     int    // an existing customer
	Country        string // a country with several customers
	OrderID        int    // an order with lines
	NextCustomerID int    // the id SQLite gives the next customer created
	NewEmail       string // an email no customer has
}

// ReadExamples picks the example values from the database at path.
func ReadExamples(ctx context.Context, path string) (*Examples, error) {
	db, err := sql.Open("sqlite", DSN(path)+"&mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ex := &Examples{}
	var next sql.NullInt64
	queries := []struct {
		q    string
		dest any
	}{
		{`SELECT coalesce(min(id), 1) FROM customers`, &ex.CustomerID},
		// A rowid key without AUTOINCREMENT: the next one is max + 1.
		{`SELECT max(id) + 1 FROM customers`, &next},
		{`SELECT coalesce((SELECT country FROM customers GROUP BY country ORDER BY count(*) DESC, country LIMIT 1), 'DE')`, &ex.Country},
		{`SELECT coalesce((SELECT order_id FROM order_lines GROUP BY order_id ORDER BY count(*) DESC, order_id LIMIT 1), 1)`, &ex.OrderID},
	}
	for _, q := range queries {
		if err := db.QueryRowContext(ctx, q.q).Scan(q.dest); err != nil {
			return nil, fmt.Errorf("read examples from %s: %w", path, err)
		}
	}
	ex.NextCustomerID = 1
	if next.Valid {
		ex.NextCustomerID = int(next.Int64)
	}
	for n := 1; ; n++ {
		email := "ada.lovelace@example.com"
		if n > 1 {
			email = fmt.Sprintf("ada.lovelace%d@example.com", n)
		}
		var taken bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE email = ?)`, email).Scan(&taken); err != nil {
			return nil, fmt.Errorf("read examples from %s: %w", path, err)
		}
		if !taken {
			ex.NewEmail = email
			return ex, nil
		}
	}
}

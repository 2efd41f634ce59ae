package sqlstore

import "context"

// rowScanner is what a scan function reads one row from: *sql.Row or
// *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query and reads every row with scan, in order.
func queryAll[T any](ctx context.Context, q db, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

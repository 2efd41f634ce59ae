package sample

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Sizes of the sample: about a thousand rows in all.
const (
	numCustomers = 150
	numOrders    = 250
	maxLines     = 4 // lines per order: 1 to maxLines
)

// The data is made with a fixed seed and fixed dates, never the clock, so
// every machine gets the same rows.
var (
	seed1, seed2 = uint64(20240917), uint64(4)
	firstDay     = time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)
	lastDay      = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
)

// eurRate converts the EUR list prices into an order's currency.
var eurRate = map[string]float64{"EUR": 1, "GBP": 0.85, "USD": 1.08, "SEK": 11.40, "CHF": 0.95, "CAD": 1.47}

const timestamp = "2006-01-02 15:04:05" // SQLite's CURRENT_TIMESTAMP form

type customerRow struct {
	id                                int
	name, company, email, phone, city string
	country, currency                 string
	createdAt                         time.Time
}

type productRow struct {
	id                  int
	sku, name, category string
	price               float64
	stock               int
	createdAt           time.Time
}

type orderRow struct {
	id, customerID   int
	date             time.Time
	status, currency string
	createdAt        time.Time
}

type lineRow struct {
	orderID, lineNo, productID, quantity int
	price                                float64
}

type rows struct {
	customers []customerRow
	products  []productRow
	orders    []orderRow
	lines     []lineRow
}

// generate makes every row of the sample.
func generate() *rows {
	r := rand.New(rand.NewPCG(seed1, seed2))
	out := &rows{}
	out.products = genProducts(r)
	out.customers = genCustomers(r)
	out.orders, out.lines = genOrders(r, out.customers, out.products)
	return out
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// dayBetween is a random day in [from, to].
func dayBetween(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from
	}
	return from.AddDate(0, 0, r.IntN(days+1))
}

// officeHours puts a time of day between 08:00 and 18:00 on day.
func officeHours(r *rand.Rand, day time.Time) time.Time {
	return day.Add(time.Duration(8*3600+r.IntN(10*3600)) * time.Second)
}

func genProducts(r *rand.Rand) []productRow {
	out := make([]productRow, len(products))
	seq := map[string]int{}
	for i, p := range products {
		prefix := skuPrefix[p.category]
		seq[prefix]++
		out[i] = productRow{
			id: i + 1, sku: fmt.Sprintf("%s-%04d", prefix, 100*seq[prefix]+r.IntN(100)),
			name: p.name, category: p.category, price: p.price, stock: r.IntN(500),
			createdAt: officeHours(r, firstDay.AddDate(0, 0, -60+i)),
		}
	}
	return out
}

func genCustomers(r *rand.Rand) []customerRow {
	total := 0
	for _, c := range countries {
		total += c.weight
	}
	emails := map[string]bool{}
	out := make([]customerRow, numCustomers)
	for i := range out {
		slot, ci := r.IntN(total), 0 // a country by weight
		for slot >= countries[ci].weight {
			slot -= countries[ci].weight
			ci++
		}
		c := countries[ci]
		first, last := pick(r, c.first), pick(r, c.last)
		company := pick(r, companyWords) + " " + pick(r, companyTrades)
		private := r.IntN(10) == 0 // some customers buy as private persons
		domain := strings.ReplaceAll(strings.ToLower(company), " ", "-") + "." + c.domain
		if private {
			domain = "example." + c.domain
		}
		local := ascii(first) + "." + strings.ReplaceAll(ascii(last), " ", "")
		email := local + "@" + domain
		for n := 2; emails[email]; n++ {
			email = fmt.Sprintf("%s%d@%s", local, n, domain)
		}
		emails[email] = true
		row := customerRow{
			id: i + 1, name: first + " " + last, email: email, city: pick(r, c.cities),
			country: c.code, currency: c.currency,
			phone:     fmt.Sprintf("%s %d %07d", c.phone, 20+r.IntN(80), r.IntN(10_000_000)),
			createdAt: officeHours(r, dayBetween(r, firstDay, lastDay.AddDate(0, -9, 0))),
		}
		if !private {
			row.company = company + " " + c.legal
		}
		out[i] = row
	}
	return out
}

func genOrders(r *rand.Rand, customers []customerRow, prods []productRow) ([]orderRow, []lineRow) {
	orders := make([]orderRow, numOrders)
	for i := range orders {
		// Earlier customers order more often, as loyal ones do.
		c := customers[int(float64(len(customers))*math.Pow(r.Float64(), 1.4))]
		day := dayBetween(r, c.createdAt.Truncate(24*time.Hour).AddDate(0, 0, 1), lastDay)
		orders[i] = orderRow{customerID: c.id, date: day, currency: c.currency, createdAt: officeHours(r, day)}
	}
	// Ids follow the order dates, as in a real system.
	sort.SliceStable(orders, func(i, j int) bool { return orders[i].createdAt.Before(orders[j].createdAt) })
	var lines []lineRow
	for i := range orders {
		o := &orders[i]
		o.id = i + 1
		o.status = status(r, lastDay.Sub(o.date))
		n := 1 + r.IntN(maxLines)
		for line, p := range r.Perm(len(prods))[:n] {
			prod := prods[p]
			price := prod.price * eurRate[o.currency]
			if r.IntN(5) == 0 { // a negotiated discount
				price *= 0.9
			}
			lines = append(lines, lineRow{
				orderID: o.id, lineNo: line + 1, productID: prod.id,
				quantity: quantity(r, prod.price), price: math.Round(price*100) / 100,
			})
		}
	}
	return orders, lines
}

// status follows an order's age: recent orders are still open.
func status(r *rand.Rand, age time.Duration) string {
	days := int(age.Hours() / 24)
	switch {
	case r.IntN(25) == 0:
		return "cancelled"
	case days > 30:
		return "delivered"
	case days > 7:
		return pick(r, []string{"shipped", "delivered"})
	case days > 2:
		return pick(r, []string{"paid", "shipped"})
	}
	return pick(r, []string{"new", "paid"})
}

// quantity: supplies by the box, equipment by the piece.
func quantity(r *rand.Rand, price float64) int {
	switch {
	case price < 20:
		return 5 + r.IntN(46)
	case price < 200:
		return 1 + r.IntN(10)
	}
	return 1 + r.IntN(3)
}

// ascii folds a name into the letters an email address takes.
func ascii(s string) string {
	return strings.NewReplacer(
		"ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue",
		"é", "e", "è", "e", "ê", "e", "á", "a", "à", "a", "í", "i", "ó", "o", "ô", "o", "ú", "u",
		"ñ", "n", "ç", "c", "å", "a", "Á", "a", "É", "e",
	).Replace(strings.ToLower(s))
}

// insert writes every row with prepared statements.
func insert(ctx context.Context, tx *sql.Tx, rs *rows) error {
	ins := func(q string, n int, args func(i int) []any) error {
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			if _, err := stmt.ExecContext(ctx, args(i)...); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ins(`INSERT INTO customers (id, name, company, email, phone, city, country, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		len(rs.customers), func(i int) []any {
			c := rs.customers[i]
			return []any{c.id, c.name, nullable(c.company), c.email, c.phone, c.city, c.country, c.createdAt.Format(timestamp)}
		}); err != nil {
		return fmt.Errorf("customers: %w", err)
	}
	if err := ins(`INSERT INTO products (id, sku, name, category, unit_price, stock, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		len(rs.products), func(i int) []any {
			p := rs.products[i]
			return []any{p.id, p.sku, p.name, p.category, p.price, p.stock, p.createdAt.Format(timestamp)}
		}); err != nil {
		return fmt.Errorf("products: %w", err)
	}
	if err := ins(`INSERT INTO orders (id, customer_id, order_date, status, currency, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		len(rs.orders), func(i int) []any {
			o := rs.orders[i]
			return []any{o.id, o.customerID, o.date.Format(time.DateOnly), o.status, o.currency, o.createdAt.Format(timestamp)}
		}); err != nil {
		return fmt.Errorf("orders: %w", err)
	}
	if err := ins(`INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?)`,
		len(rs.lines), func(i int) []any {
			l := rs.lines[i]
			return []any{l.orderID, l.lineNo, l.productID, l.quantity, l.price}
		}); err != nil {
		return fmt.Errorf("order_lines: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

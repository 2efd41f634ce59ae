package sqldb

import (
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
)

// columnPlan is how a statement's result columns convert: their names and
// kinds, learned from rows.ColumnTypes once rather than on every run
// (which allocates a ColumnType per column and asks the driver about each).
// It is immutable once published.
type columnPlan struct {
	names []string
	kinds []colKind
	bufs  sync.Pool // *scanBuf of len(names) columns
}

// scanBuf is the destination of rows.Scan, reused between runs: dest holds
// the values, ptrs points at them.
type scanBuf struct{ dest, ptrs []any }

// planCache holds a statement's latest plan; safe for concurrent use.
type planCache struct{ p atomic.Pointer[columnPlan] }

// plan returns the plan of rows' columns: the cached one while the
// database reports the same column names (rows.Columns costs no driver
// round trip), a new one otherwise, e.g. after ALTER TABLE under a
// SELECT *.
func (c *planCache) plan(rows *sql.Rows, driver string) (*columnPlan, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if p := c.p.Load(); p != nil && slices.Equal(p.names, names) {
		return p, nil
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	p := &columnPlan{names: make([]string, len(types)), kinds: columnKinds(driver, types)}
	for i, t := range types {
		p.names[i] = t.Name()
	}
	c.p.Store(p)
	return p, nil
}

// buf returns a cleared scan destination for the plan's columns.
func (p *columnPlan) buf() *scanBuf {
	if b, ok := p.bufs.Get().(*scanBuf); ok {
		return b
	}
	b := &scanBuf{dest: make([]any, len(p.names)), ptrs: make([]any, len(p.names))}
	for i := range b.dest {
		b.ptrs[i] = &b.dest[i]
	}
	return b
}

// put returns b for reuse, dropping the values it still references.
func (p *columnPlan) put(b *scanBuf) {
	clear(b.dest)
	p.bufs.Put(b)
}

package query

// Expr is a typed expression of $filter or $orderby.
type Expr interface {
	// Type is the expression's type; TNull only for the null literal.
	Type() Type
	// Pos is the 0-based byte offset of the expression in its option.
	Pos() int
}

// Op is a binary operator.
type Op uint8

// The binary operators, by OData name.
const (
	OpEq Op = iota
	OpNe
	OpGt
	OpGe
	OpLt
	OpLe
	OpAnd
	OpOr
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
)

var opNames = [...]string{"eq", "ne", "gt", "ge", "lt", "le", "and", "or", "add", "sub", "mul", "div", "mod"}

// String is the operator's OData name.
func (o Op) String() string { return opNames[o] }

// Comparison reports eq, ne, gt, ge, lt and le.
func (o Op) Comparison() bool { return o <= OpLe }

// Arithmetic reports add, sub, mul, div and mod.
func (o Op) Arithmetic() bool { return o >= OpAdd }

// Literal is a typed constant. Value is nil (null), string (String, Date
// "2006-01-02", TimeOfDay "15:04:05.000", Guid lower case, Decimal's exact
// text in Text), int64, float64 (Decimal and Double), bool or time.Time
// (DateTimeOffset, in UTC).
type Literal struct {
	At    int
	T     Type
	Value any
	// Text is the literal as written (a decimal keeps its digits here).
	Text string
}

// PropertyRef reads a property of the entity being filtered.
type PropertyRef struct {
	At   int
	Prop *Property
}

// Binary is a binary operation.
type Binary struct {
	At   int
	Op   Op
	L, R Expr
	T    Type
}

// Not negates a boolean expression.
type Not struct {
	At int
	X  Expr
}

// Negate is the arithmetic negation -X.
type Negate struct {
	At int
	X  Expr
}

// In is "X in (a, b, ...)".
type In struct {
	At   int
	X    Expr
	List []Expr
}

// Call is a canonical function call.
type Call struct {
	At   int
	Fn   string
	Args []Expr
	T    Type
}

// Type implements Expr.
func (e *Literal) Type() Type { return e.T }

// Type implements Expr.
func (e *PropertyRef) Type() Type { return e.Prop.Type }

// Type implements Expr.
func (e *Binary) Type() Type { return e.T }

// Type implements Expr.
func (e *Not) Type() Type { return TBool }

// Type implements Expr.
func (e *Negate) Type() Type { return e.X.Type() }

// Type implements Expr.
func (e *In) Type() Type { return TBool }

// Type implements Expr.
func (e *Call) Type() Type { return e.T }

// Pos implements Expr.
func (e *Literal) Pos() int { return e.At }

// Pos implements Expr.
func (e *PropertyRef) Pos() int { return e.At }

// Pos implements Expr.
func (e *Binary) Pos() int { return e.At }

// Pos implements Expr.
func (e *Not) Pos() int { return e.At }

// Pos implements Expr.
func (e *Negate) Pos() int { return e.At }

// Pos implements Expr.
func (e *In) Pos() int { return e.At }

// Pos implements Expr.
func (e *Call) Pos() int { return e.At }

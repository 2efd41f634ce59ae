package query

import (
	"strconv"
	"strings"
	"time"
)

// maxDepth bounds the nesting of an expression, so that a hostile
// $filter cannot exhaust the stack.
const maxDepth = 64

// maxLiterals bounds the literals of one expression: each is a bound
// argument, and databases cap those per statement (PostgreSQL 65535).
const maxLiterals = 1000

// precedence of the binary operators (higher binds tighter).
const (
	precOr = iota + 1
	precAnd
	precCmp
	precAdd
	precMul
	precUnary
)

// binaryOp looks an operator word up (a switch: it runs for every
// identifier of an expression).
func binaryOp(word string) (op Op, prec int, ok bool) {
	switch word {
	case "or":
		return OpOr, precOr, true
	case "and":
		return OpAnd, precAnd, true
	case "eq":
		return OpEq, precCmp, true
	case "ne":
		return OpNe, precCmp, true
	case "gt":
		return OpGt, precCmp, true
	case "ge":
		return OpGe, precCmp, true
	case "lt":
		return OpLt, precCmp, true
	case "le":
		return OpLe, precCmp, true
	case "add":
		return OpAdd, precAdd, true
	case "sub":
		return OpSub, precAdd, true
	case "mul":
		return OpMul, precMul, true
	case "div":
		return OpDiv, precMul, true
	case "mod":
		return OpMod, precMul, true
	}
	return 0, 0, false
}

// unsupportedOps are OData operators the service refuses with 501.
var unsupportedOps = map[string]bool{"has": true, "divby": true}

// function signatures: argument types (TNull: any of the listed
// alternatives is decided in check) and the result.
type signature struct {
	args []Type
	opt  int // trailing optional arguments
	ret  Type
}

var functions = map[string]signature{
	"contains":   {args: []Type{TString, TString}, ret: TBool},
	"startswith": {args: []Type{TString, TString}, ret: TBool},
	"endswith":   {args: []Type{TString, TString}, ret: TBool},
	"tolower":    {args: []Type{TString}, ret: TString},
	"toupper":    {args: []Type{TString}, ret: TString},
	"trim":       {args: []Type{TString}, ret: TString},
	"length":     {args: []Type{TString}, ret: TInt},
	"indexof":    {args: []Type{TString, TString}, ret: TInt},
	"substring":  {args: []Type{TString, TInt, TInt}, opt: 1, ret: TString},
	"concat":     {args: []Type{TString, TString}, ret: TString},
	"year":       {args: []Type{TDate}, ret: TInt},
	"month":      {args: []Type{TDate}, ret: TInt},
	"day":        {args: []Type{TDate}, ret: TInt},
	"hour":       {args: []Type{TTimeOfDay}, ret: TInt},
	"minute":     {args: []Type{TTimeOfDay}, ret: TInt},
	"second":     {args: []Type{TTimeOfDay}, ret: TInt},
	"date":       {args: []Type{TDateTimeOffset}, ret: TDate},
	"time":       {args: []Type{TDateTimeOffset}, ret: TTimeOfDay},
	"now":        {ret: TDateTimeOffset},
}

// unsupportedFunctions are canonical OData functions the service refuses
// with 501 rather than calling them unknown.
var unsupportedFunctions = map[string]bool{
	"matchesPattern": true, "fractionalseconds": true, "totaloffsetminutes": true, "totalseconds": true,
	"maxdatetime": true, "mindatetime": true, "round": true, "floor": true, "ceiling": true,
	"cast": true, "isof": true, "geo.distance": true, "geo.intersects": true, "geo.length": true,
	"hassubset": true, "hassubsequence": true, "case": true,
}

// parser reads expressions of one entity set.
type parser struct {
	lx       *lexer
	set      *EntitySet
	depth    int
	literals int
	now      time.Time
}

// ParseFilter parses a $filter over set; the result is boolean.
func ParseFilter(src string, set *EntitySet, now time.Time) (Expr, error) {
	return parseBoolean(src, "$filter", set, now)
}

func parseBoolean(src, target string, set *EntitySet, now time.Time) (Expr, error) {
	// The lexer and parser live on the stack: a request parses once.
	p := parser{lx: &lexer{src: src, target: target}, set: set, now: now}
	if err := p.lx.next(); err != nil {
		return nil, err
	}
	e, err := p.expr(precOr)
	if err != nil {
		return nil, err
	}
	if p.lx.tok.kind != tEOF {
		return nil, syntaxAt(target, p.lx.tok.pos, "unexpected %q", p.lx.tok.text)
	}
	if t := e.Type(); t != TBool && t != TNull {
		return nil, Errorf(CodeType, target, "the expression is of type %s, not a boolean condition", t)
	}
	return e, nil
}

func (p *parser) advance() error { return p.lx.next() }

func (p *parser) errAt(pos int, format string, args ...any) error {
	return syntaxAt(p.lx.target, pos, format, args...)
}

// expr parses a binary expression whose operators bind at least minPrec.
func (p *parser) expr(minPrec int) (Expr, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, Errorf(CodeLimit, p.lx.target, "the expression nests deeper than %d", maxDepth)
	}
	e, err := p.binaryLoop(minPrec)
	p.depth--
	return e, err
}

func (p *parser) binaryLoop(minPrec int) (Expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.lx.tok
		if t.kind != tIdent {
			return left, nil
		}
		if unsupportedOps[t.text] {
			return nil, NotImplemented(p.lx.target, "the %s operator", t.text)
		}
		if t.text == "in" {
			if precCmp < minPrec {
				return left, nil
			}
			if left, err = p.in(left, t.pos); err != nil {
				return nil, err
			}
			continue
		}
		op, prec, ok := binaryOp(t.text)
		if !ok || prec < minPrec {
			return left, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.expr(prec + 1)
		if err != nil {
			return nil, err
		}
		if left, err = p.binary(op, left, right, t.pos); err != nil {
			return nil, err
		}
	}
}

func (p *parser) unary() (Expr, error) {
	t := p.lx.tok
	switch {
	case t.kind == tIdent && t.text == "not":
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.expr(precUnary)
		if err != nil {
			return nil, err
		}
		if x.Type() != TBool && x.Type() != TNull {
			return nil, Errorf(CodeType, p.lx.target, "not needs a boolean operand, not %s (position %d)", x.Type(), t.pos)
		}
		return &Not{At: t.pos, X: x}, nil
	case t.kind == tMinus:
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.expr(precUnary)
		if err != nil {
			return nil, err
		}
		if !x.Type().Numeric() {
			return nil, Errorf(CodeType, p.lx.target, "- needs a number, not %s (position %d)", x.Type(), t.pos)
		}
		return &Negate{At: t.pos, X: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t := p.lx.tok
	switch t.kind {
	case tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.expr(precOr)
		if err != nil {
			return nil, err
		}
		if p.lx.tok.kind != tRParen {
			return nil, p.errAt(p.lx.tok.pos, "expected ')'")
		}
		return e, p.advance()
	case tIdent:
		return p.identifier()
	case tEOF:
		return nil, p.errAt(t.pos, "unexpected end of expression")
	case tOther:
		return nil, NotImplemented(p.lx.target, "%q (aliases, typed literals such as duration and binary)", t.text)
	}
	lit, err := literal(t, p.lx.target)
	if err != nil {
		return nil, err
	}
	if p.literals++; p.literals > maxLiterals {
		return nil, Errorf(CodeLimit, p.lx.target, "the expression holds more than %d literals", maxLiterals)
	}
	return lit, p.advance()
}

// literal converts a literal token to its typed value.
func literal(t token, target string) (*Literal, error) {
	switch t.kind {
	case tString:
		return &Literal{At: t.pos, T: TString, Value: t.text, Text: t.text}, nil
	case tInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(t.text, 64)
			if ferr != nil {
				return nil, syntaxAt(target, t.pos, "number %s is out of range", t.text)
			}
			return &Literal{At: t.pos, T: TDecimal, Value: f, Text: t.text}, nil
		}
		return &Literal{At: t.pos, T: TInt, Value: n, Text: t.text}, nil
	case tDecimal, tDouble:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, syntaxAt(target, t.pos, "number %s is out of range", t.text)
		}
		typ := TDecimal
		if t.kind == tDouble {
			typ = TDouble
		}
		return &Literal{At: t.pos, T: typ, Value: f, Text: t.text}, nil
	case tDate:
		if _, err := time.Parse(time.DateOnly, t.text); err != nil {
			return nil, syntaxAt(target, t.pos, "%s is not a date", t.text)
		}
		return &Literal{At: t.pos, T: TDate, Value: t.text, Text: t.text}, nil
	case tDateTimeOffset:
		tm, err := time.Parse(time.RFC3339Nano, t.text)
		if err != nil {
			if tm, err = time.Parse("2006-01-02T15:04Z07:00", t.text); err != nil {
				return nil, syntaxAt(target, t.pos, "%s is not a date-time", t.text)
			}
		}
		return &Literal{At: t.pos, T: TDateTimeOffset, Value: tm.UTC(), Text: t.text}, nil
	case tTimeOfDay:
		tm, err := parseTimeOfDay(t.text)
		if err != nil {
			return nil, syntaxAt(target, t.pos, "%s is not a time of day", t.text)
		}
		return &Literal{At: t.pos, T: TTimeOfDay, Value: tm, Text: t.text}, nil
	case tGuid:
		return &Literal{At: t.pos, T: TGuid, Value: strings.ToLower(t.text), Text: t.text}, nil
	case tIdent:
		switch t.text {
		case "null":
			return &Literal{At: t.pos, T: TNull, Text: t.text}, nil
		case "true", "false":
			return &Literal{At: t.pos, T: TBool, Value: t.text == "true", Text: t.text}, nil
		}
	}
	return nil, syntaxAt(target, t.pos, "unexpected %q", t.text)
}

// parseTimeOfDay normalises hh:mm[:ss[.fff]] to hh:mm:ss[.fff].
func parseTimeOfDay(s string) (string, error) {
	layout := "15:04"
	if len(s) > 5 {
		layout = "15:04:05.999999999"
	}
	tm, err := time.Parse(layout, s)
	if err != nil {
		return "", err
	}
	return tm.Format("15:04:05.999999999"), nil
}

func (p *parser) identifier() (Expr, error) {
	t := p.lx.tok
	switch t.text {
	case "null", "true", "false":
		lit, err := literal(t, p.lx.target)
		if err != nil {
			return nil, err
		}
		return lit, p.advance()
	case "INF", "NaN", "-INF":
		return nil, NotImplemented(p.lx.target, "the literal %s", t.text)
	}
	if strings.HasPrefix(t.text, "$") || strings.Contains(t.text, ".") {
		if _, ok := unsupportedFunctions[t.text]; ok {
			return nil, NotImplemented(p.lx.target, "the function %s", t.text)
		}
		return nil, NotImplemented(p.lx.target, "%q (type casts, $it, $root, qualified names)", t.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.lx.tok.kind == tLParen {
		return p.call(t)
	}
	if p.lx.tok.kind == tSlash {
		return nil, NotImplemented(p.lx.target, "the path %s/... (navigation and lambda operators in expressions)", t.text)
	}
	prop := p.set.Property(t.text)
	if prop == nil {
		if p.set.Nav(t.text) != nil {
			return nil, NotImplemented(p.lx.target, "the navigation property %s in an expression", t.text)
		}
		return nil, Errorf(CodeUnknown, p.lx.target, "%s has no property %q (position %d)", p.set.Name, t.text, t.pos)
	}
	if prop.Type == TBinary {
		return nil, NotImplemented(p.lx.target, "the binary property %s in an expression", prop.Name)
	}
	return &PropertyRef{At: t.pos, Prop: prop}, nil
}

// call parses the arguments of fn (the current token is its '(').
func (p *parser) call(fn token) (Expr, error) {
	sig, ok := functions[fn.text]
	if !ok {
		if unsupportedFunctions[fn.text] || fn.text == "any" || fn.text == "all" {
			return nil, NotImplemented(p.lx.target, "the function %s", fn.text)
		}
		return nil, Errorf(CodeUnknown, p.lx.target, "unknown function %q (position %d)", fn.text, fn.pos)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var args []Expr
	if p.lx.tok.kind != tRParen {
		for {
			a, err := p.expr(precOr)
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.lx.tok.kind == tComma {
				if err := p.advance(); err != nil {
					return nil, err
				}
				continue
			}
			break
		}
	}
	if p.lx.tok.kind != tRParen {
		return nil, p.errAt(p.lx.tok.pos, "expected ',' or ')' in the arguments of %s", fn.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if len(args) < len(sig.args)-sig.opt || len(args) > len(sig.args) {
		return nil, Errorf(CodeType, p.lx.target, "%s takes %d argument(s), not %d (position %d)", fn.text, len(sig.args), len(args), fn.pos)
	}
	for i, a := range args {
		if !argFits(fn.text, sig.args[i], a.Type()) {
			return nil, Errorf(CodeType, p.lx.target, "argument %d of %s must be %s, not %s (position %d)", i+1, fn.text, sig.args[i], a.Type(), a.Pos())
		}
	}
	if fn.text == "now" {
		// Evaluated once per request, so that every row sees one instant.
		return &Literal{At: fn.pos, T: TDateTimeOffset, Value: p.now.UTC(), Text: "now()"}, nil
	}
	return &Call{At: fn.pos, Fn: fn.text, Args: args, T: sig.ret}, nil
}

// argFits checks an argument's type; the date and time functions accept
// either a date-time or the narrower type their signature names.
func argFits(fn string, want, got Type) bool {
	if got == TNull || got == want {
		return true
	}
	switch fn {
	case "year", "month", "day", "hour", "minute", "second":
		return got == TDateTimeOffset
	}
	return false
}

// comparable reports whether values of a and b may be compared.
func comparable(a, b Type) bool {
	return a == TNull || b == TNull || a == b || (a.Numeric() && b.Numeric())
}

func (p *parser) binary(op Op, l, r Expr, pos int) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	switch {
	case op == OpAnd || op == OpOr:
		if (lt != TBool && lt != TNull) || (rt != TBool && rt != TNull) {
			return nil, Errorf(CodeType, p.lx.target, "%s needs boolean operands, not %s and %s (position %d)", op, lt, rt, pos)
		}
		return &Binary{At: pos, Op: op, L: l, R: r, T: TBool}, nil
	case op.Comparison():
		if !comparable(lt, rt) {
			return nil, Errorf(CodeType, p.lx.target, "cannot compare %s with %s (position %d)", lt, rt, pos)
		}
		if op != OpEq && op != OpNe && (lt == TBool || rt == TBool) {
			return nil, Errorf(CodeType, p.lx.target, "booleans are compared with eq and ne only (position %d)", pos)
		}
		return &Binary{At: pos, Op: op, L: l, R: r, T: TBool}, nil
	default:
		if (!lt.Numeric() && lt != TNull) || (!rt.Numeric() && rt != TNull) {
			if lt == TDate || lt == TDateTimeOffset || rt == TDate || rt == TDateTimeOffset {
				return nil, NotImplemented(p.lx.target, "date and duration arithmetic")
			}
			return nil, Errorf(CodeType, p.lx.target, "%s needs numbers, not %s and %s (position %d)", op, lt, rt, pos)
		}
		return &Binary{At: pos, Op: op, L: l, R: r, T: promote(lt, rt)}, nil
	}
}

// promote is the type of arithmetic over a and b.
func promote(a, b Type) Type {
	switch {
	case a == TDouble || b == TDouble:
		return TDouble
	case a == TDecimal || b == TDecimal:
		return TDecimal
	case a == TNull && b == TNull:
		return TNull
	}
	return TInt
}

// in parses "in (a, b, ...)" after left; the current token is "in".
func (p *parser) in(left Expr, pos int) (Expr, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.lx.tok.kind != tLParen {
		return nil, p.errAt(p.lx.tok.pos, "expected '(' after in")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var list []Expr
	for {
		e, err := p.expr(precOr)
		if err != nil {
			return nil, err
		}
		if !comparable(left.Type(), e.Type()) {
			return nil, Errorf(CodeType, p.lx.target, "cannot compare %s with %s (position %d)", left.Type(), e.Type(), e.Pos())
		}
		list = append(list, e)
		if p.lx.tok.kind == tComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		break
	}
	if p.lx.tok.kind != tRParen {
		return nil, p.errAt(p.lx.tok.pos, "expected ',' or ')' in the list of in")
	}
	return &In{At: pos, X: left, List: list}, p.advance()
}

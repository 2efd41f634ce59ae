package query

import (
	"strings"
)

// tokKind is the kind of a lexical token of an OData expression.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tInt
	tDecimal
	tDouble
	tDate
	tDateTimeOffset
	tTimeOfDay
	tGuid
	tLParen
	tRParen
	tComma
	tSlash
	tMinus
	tColon
	tSemicolon
	tEquals
	tStar
	tOther // a literal form recognised only to refuse it (binary'..', duration'..', @alias, $it)
)

// token is one token; text is its source (a string literal's is unquoted).
type token struct {
	kind tokKind
	pos  int
	text string
}

// lexer splits an expression into tokens on demand.
type lexer struct {
	src    string
	target string
	pos    int
	tok    token // current token
}

func newLexer(src, target string) (*lexer, error) {
	l := &lexer{src: src, target: target}
	if err := l.next(); err != nil {
		return nil, err
	}
	return l, nil
}

func isLetter(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

// next advances to the following token.
func (l *lexer) next() error {
	s := l.src
	for l.pos < len(s) && (s[l.pos] == ' ' || s[l.pos] == '\t') {
		l.pos++
	}
	start := l.pos
	if start >= len(s) {
		l.tok = token{kind: tEOF, pos: start}
		return nil
	}
	c := s[start]
	single := func(k tokKind) error {
		l.pos++
		l.tok = token{kind: k, pos: start, text: s[start:l.pos]}
		return nil
	}
	switch {
	case c == '(':
		return single(tLParen)
	case c == ')':
		return single(tRParen)
	case c == ',':
		return single(tComma)
	case c == '/':
		return single(tSlash)
	case c == ':':
		return single(tColon)
	case c == ';':
		return single(tSemicolon)
	case c == '=':
		return single(tEquals)
	case c == '*':
		return single(tStar)
	case c == '\'':
		return l.lexString(start)
	case c == '-' && start+1 < len(s) && isDigit(s[start+1]) && !l.afterOperand():
		return l.lexNumber(start)
	case c == '-':
		return single(tMinus)
	case isHex(c) && guidAt(s, start):
		l.pos = start + 36
		l.tok = token{kind: tGuid, pos: start, text: s[start:l.pos]}
		return nil
	case isDigit(c):
		return l.lexNumber(start)
	case isLetter(c) || c == '$' || c == '@':
		l.pos++
		for l.pos < len(s) && (isLetter(s[l.pos]) || isDigit(s[l.pos]) || s[l.pos] == '.') {
			l.pos++
		}
		text := s[start:l.pos]
		if c == '@' || (l.pos < len(s) && s[l.pos] == '\'') {
			// @alias, or a typed literal such as binary'..' or duration'..'
			if l.pos < len(s) && s[l.pos] == '\'' {
				if end := strings.IndexByte(s[l.pos+1:], '\''); end >= 0 {
					l.pos += end + 2
				}
			}
			l.tok = token{kind: tOther, pos: start, text: s[start:l.pos]}
			return nil
		}
		l.tok = token{kind: tIdent, pos: start, text: text}
		return nil
	}
	return syntaxAt(l.target, start, "unexpected character %q", string(rune(c)))
}

// afterOperand reports whether the previous token ends an operand, in
// which case '-' is subtraction's sign, not a negative number's.
func (l *lexer) afterOperand() bool {
	switch l.tok.kind {
	case tIdent, tString, tInt, tDecimal, tDouble, tDate, tDateTimeOffset, tTimeOfDay, tGuid, tRParen:
		return l.tok.pos < l.pos
	}
	return false
}

func (l *lexer) lexString(start int) error {
	s := l.src
	var b strings.Builder
	i := start + 1
	seg := i
	for {
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return syntaxAt(l.target, start, "unterminated string literal")
		}
		i += j
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteString(s[seg : i+1])
			i += 2
			seg = i
			continue
		}
		if b.Len() == 0 {
			l.tok = token{kind: tString, pos: start, text: s[seg:i]}
		} else {
			b.WriteString(s[seg:i])
			l.tok = token{kind: tString, pos: start, text: b.String()}
		}
		l.pos = i + 1
		return nil
	}
}

func digits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// guidAt reports an 8-4-4-4-12 hexadecimal GUID at i, not followed by an
// identifier character.
func guidAt(s string, i int) bool {
	if i+36 > len(s) {
		return false
	}
	for k := 0; k < 36; k++ {
		c := s[i+k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return i+36 == len(s) || !(isLetter(s[i+36]) || isDigit(s[i+36]))
}

// lexNumber reads a number, a date, a date-time with offset or a time of day.
func (l *lexer) lexNumber(start int) error {
	s := l.src
	i := start
	if s[i] == '-' {
		i++
	}
	if i == start && digits(s, i, 4) && i+4 < len(s) && s[i+4] == '-' && digits(s, i+5, 2) && i+7 < len(s) && s[i+7] == '-' && digits(s, i+8, 2) {
		end := i + 10
		if end < len(s) && s[end] == 'T' {
			j := end + 1
			if !digits(s, j, 2) || j+2 >= len(s) || s[j+2] != ':' || !digits(s, j+3, 2) {
				return syntaxAt(l.target, start, "malformed date-time literal")
			}
			j += 5
			j = timeRest(s, j)
			switch {
			case j < len(s) && s[j] == 'Z':
				j++
			case j < len(s) && (s[j] == '+' || s[j] == '-' || s[j] == ' ') && digits(s, j+1, 2) && j+3 < len(s) && s[j+3] == ':' && digits(s, j+4, 2):
				j += 6
			default:
				return syntaxAt(l.target, start, "a date-time literal needs a time zone (Z or +hh:mm)")
			}
			l.pos = j
			l.tok = token{kind: tDateTimeOffset, pos: start, text: strings.Replace(s[start:j], " ", "+", 1)}
			return nil
		}
		l.pos = end
		l.tok = token{kind: tDate, pos: start, text: s[start:end]}
		return nil
	}
	if i == start && digits(s, i, 2) && i+2 < len(s) && s[i+2] == ':' && digits(s, i+3, 2) {
		j := timeRest(s, i+5)
		l.pos = j
		l.tok = token{kind: tTimeOfDay, pos: start, text: s[start:j]}
		return nil
	}
	kind := tInt
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		kind = tDecimal
		i++
		if !digits(s, i, 1) {
			return syntaxAt(l.target, start, "malformed number")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		kind = tDouble
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits(s, i, 1) {
			return syntaxAt(l.target, start, "malformed number")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (isLetter(s[i]) || s[i] == '.') {
		return syntaxAt(l.target, start, "malformed number")
	}
	l.pos = i
	l.tok = token{kind: kind, pos: start, text: s[start:i]}
	return nil
}

// timeRest reads the optional ":ss" and ".fraction" of a time from j.
func timeRest(s string, j int) int {
	if j < len(s) && s[j] == ':' && digits(s, j+1, 2) {
		j += 3
		if j < len(s) && s[j] == '.' && digits(s, j+1, 1) {
			j++
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		}
	}
	return j
}

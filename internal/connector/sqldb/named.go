package sqldb

import (
	"fmt"
	"strconv"
	"strings"
)

// syntax is what the named-parameter parser must know about a dialect's
// lexical rules so that it never rewrites a ":name" inside a literal,
// a quoted identifier or a comment.
type syntax struct {
	numbered       bool // $1, $2, ... (PostgreSQL) instead of ?
	backslashQuote bool // '\'' escapes inside '...' and "..." (MySQL default)
	escapeStrings  bool // E'...' strings with backslash escapes (PostgreSQL)
	dollarQuotes   bool // $tag$...$tag$ strings (PostgreSQL)
	nestedComments bool // /* /* */ */ nests (PostgreSQL)
	hashComments   bool // # starts a line comment (MySQL)
	dashNeedsSpace bool // "--" starts a comment only before whitespace (MySQL)
	brackets       bool // [identifier] (SQLite)
}

var (
	syntaxSQLite   = syntax{brackets: true}
	syntaxPostgres = syntax{numbered: true, escapeStrings: true, dollarQuotes: true, nestedComments: true}
	syntaxMySQL    = syntax{backslashQuote: true, hashComments: true, dashNeedsSpace: true}
)

// named is a statement rewritten from named parameters to the driver's
// placeholders.
type named struct {
	query  string
	params []string // distinct names, in order of first appearance
	// order maps each positional '?' to its index in params; nil for
	// numbered dialects, where $n already is params[n-1].
	order []int
}

// parseNamed rewrites ":name" parameters to placeholders. "::" (a
// PostgreSQL cast) is kept as is; so is a ':' not followed by a letter or
// '_' (MySQL's ":="). Positional placeholders are refused: mixing them with
// named ones would bind the wrong values.
func parseNamed(sql string, sx syntax) (named, error) {
	var (
		b     strings.Builder
		n     named
		index = map[string]int{}
	)
	b.Grow(len(sql) + 8)
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'':
			escapes := sx.backslashQuote || (sx.escapeStrings && i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdent(sql[i-2])))
			end, err := skipQuoted(sql, i, '\'', escapes)
			if err != nil {
				return named{}, err
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '"':
			end, err := skipQuoted(sql, i, '"', sx.backslashQuote)
			if err != nil {
				return named{}, err
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '`':
			end, err := skipQuoted(sql, i, '`', false)
			if err != nil {
				return named{}, err
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '[' && sx.brackets:
			end := strings.IndexByte(sql[i:], ']')
			if end < 0 {
				return named{}, fmt.Errorf("unterminated [identifier] at offset %d", i)
			}
			b.WriteString(sql[i : i+end+1])
			i += end + 1
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-' &&
			(!sx.dashNeedsSpace || i+2 == len(sql) || isSpace(sql[i+2])),
			c == '#' && sx.hashComments:
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				end = len(sql) - i
			}
			b.WriteString(sql[i : i+end])
			i += end
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end, err := skipBlockComment(sql, i, sx.nestedComments)
			if err != nil {
				return named{}, err
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '$' && sx.dollarQuotes && (i == 0 || !isIdent(sql[i-1])):
			if i+1 < len(sql) && isDigit(sql[i+1]) {
				return named{}, fmt.Errorf("positional parameter at offset %d: use :name parameters", i)
			}
			end, ok, err := skipDollarQuoted(sql, i)
			if err != nil {
				return named{}, err
			}
			if !ok {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '?' && !sx.numbered:
			return named{}, fmt.Errorf("positional parameter '?' at offset %d: use :name parameters", i)
		case c == ':' && i+1 < len(sql) && sql[i+1] == ':':
			b.WriteString("::")
			i += 2
		case c == ':' && i+1 < len(sql) && isIdentStart(sql[i+1]):
			j := i + 1
			for j < len(sql) && isIdent(sql[j]) {
				j++
			}
			name := sql[i+1 : j]
			k, seen := index[name]
			if !seen {
				k = len(n.params)
				index[name] = k
				n.params = append(n.params, name)
			}
			if sx.numbered {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(k + 1))
			} else {
				b.WriteByte('?')
				n.order = append(n.order, k)
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	n.query = b.String()
	return n, nil
}

// skipQuoted returns the offset just past the literal or quoted identifier
// that opens at start; a doubled quote stays inside it.
func skipQuoted(s string, start int, q byte, backslash bool) (int, error) {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if backslash {
				i++
			}
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated %c-quoted text at offset %d", q, start)
}

// skipBlockComment returns the offset just past the /* */ comment at start.
func skipBlockComment(s string, start int, nested bool) (int, error) {
	depth := 0
	for i := start; i+1 < len(s); i++ {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			if depth == 0 || nested {
				depth++
			}
			i++
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i++
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("unterminated /* comment at offset %d", start)
}

// skipDollarQuoted returns the offset just past the $tag$...$tag$ string at
// start, or ok=false when the '$' does not open one.
func skipDollarQuoted(s string, start int) (end int, ok bool, err error) {
	j := start + 1
	if j < len(s) && isIdentStart(s[j]) {
		for j < len(s) && isIdent(s[j]) {
			j++
		}
	}
	if j >= len(s) || s[j] != '$' {
		return 0, false, nil
	}
	tag := s[start : j+1]
	k := strings.Index(s[j+1:], tag)
	if k < 0 {
		return 0, false, fmt.Errorf("unterminated %s-quoted text at offset %d", tag, start)
	}
	return j + 1 + k + len(tag), true, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdent(c byte) bool      { return isIdentStart(c) || isDigit(c) }

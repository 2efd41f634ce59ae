package scaffold

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// words splits a table or column name into lower-case words at anything
// that is not a letter or digit and at camelCase humps.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// singular is English singularisation good enough for table names.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 1:
		return w[:len(w)-1]
	}
	return w
}

// camel joins words as CamelCase, starting with a letter.
func camel(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	s := b.String()
	if s == "" {
		return "Table"
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "T" + s
	}
	return s
}

// resourceNames returns the singular ("OrderLine") and plural
// ("OrderLines") object names of a table.
func resourceNames(table string) (one, many string) {
	ws := words(table)
	if len(ws) == 0 {
		return "Table", "Tables"
	}
	many = camel(ws)
	sing := append([]string(nil), ws...)
	sing[len(sing)-1] = singular(sing[len(sing)-1])
	one = camel(sing)
	if one == many {
		many += "List"
	}
	return one, many
}

var nonSegment = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// pathSegment is the URL segment of a table: its name, lower case, with
// characters a path may not hold turned into '-'.
func pathSegment(table string) string {
	s := strings.Trim(nonSegment.ReplaceAllString(strings.ToLower(table), "-"), "-")
	if s == "" || s[0] == '.' || s[0] == '-' || s[0] == '_' {
		s = "t" + s
	}
	return s
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// identifiers gives every column a name that is safe as a SQL parameter,
// a path parameter and a query parameter ("first name" → first_name),
// unique within the table.
func identifiers(cols []Column) map[string]string {
	out := make(map[string]string, len(cols))
	used := map[string]bool{}
	for _, c := range cols {
		id := strings.Trim(nonIdent.ReplaceAllString(c.Name, "_"), "_")
		if id == "" || (id[0] >= '0' && id[0] <= '9') {
			id = "c_" + id
		}
		base := id
		for n := 2; used[strings.ToLower(id)]; n++ {
			id = base + "_" + strconv.Itoa(n)
		}
		used[strings.ToLower(id)] = true
		out[c.Name] = id
	}
	return out
}

var jqIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jqKeywords cannot follow a bare '.' in a jq path.
var jqKeywords = map[string]bool{"and": true, "or": true, "not": true, "if": true, "then": true, "elif": true,
	"else": true, "end": true, "as": true, "def": true, "reduce": true, "foreach": true, "try": true,
	"catch": true, "label": true, "import": true, "include": true, "__loc__": true}

// jqField is the jq path of a document field: .name, or .["first name"].
func jqField(name string) string {
	if jqIdent.MatchString(name) && !jqKeywords[name] {
		return "." + name
	}
	return ".[" + strconv.Quote(name) + "]"
}

package scaffold

import "github.com/portico-dev/portico/internal/model"

// profile kinds of a table.
const (
	profileRecord  = iota // a row as the API returns it
	profileCreate         // POST body: generated keys left out
	profileReplace        // PUT body: every column, key ignored
	profilePatch          // PATCH body: every field optional
	profileUpsert         // PUT on the collection: key required
)

// profile is the JSON Schema of one kind of document of table t.
func profile(t *Table, kind int) model.Schema {
	props := model.Schema{}
	var required []any
	for i := range t.Columns {
		c := &t.Columns[i]
		if kind != profileRecord && c.Always {
			continue // computed by the database, never written
		}
		if kind == profileCreate && c.Generated {
			continue
		}
		s := c.schema(c.Type)
		if t.IsKey(c.Name) && (kind == profileReplace || kind == profilePatch) {
			s["description"] = "ignored: the key comes from the path"
		}
		props[c.Name] = s
		need := false
		switch kind {
		case profileRecord:
			need = true
		case profileCreate:
			need = !c.Nullable && c.Default == ""
		case profileReplace:
			need = !c.Nullable && c.Default == "" && !t.IsKey(c.Name) && !c.Generated
		case profileUpsert:
			need = t.IsKey(c.Name) || (!c.Nullable && c.Default == "" && !c.Generated)
		}
		if need {
			required = append(required, c.Name)
		}
	}
	s := model.Schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if kind != profileRecord {
		// A misspelt field would otherwise be dropped without a word.
		s["additionalProperties"] = false
	}
	return s
}

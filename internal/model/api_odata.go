package model

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
)

// ODataSpec exposes an API's entity sets as an OData v4 service at
// /ws/odata/{base}/{version}/.
type ODataSpec struct {
	// Namespace qualifies the entity types in $metadata ("Portico" when empty).
	Namespace string `json:"namespace,omitempty"`
	// MaxPageSize is the most entities one answer holds before it carries
	// an @odata.nextLink (DefaultODataMaxPageSize when zero).
	MaxPageSize int `json:"maxPageSize,omitempty"`
	// MaxTop caps $top; a larger $top is served in pages up to it
	// (DefaultODataMaxTop when zero).
	MaxTop int `json:"maxTop,omitempty"`
	// MaxExpandDepth caps the nesting of $expand (DefaultODataMaxExpandDepth
	// when zero).
	MaxExpandDepth int              `json:"maxExpandDepth,omitempty"`
	EntitySets     []ODataEntitySet `json:"entitySets"`
}

// Defaults of the OData limits.
const (
	DefaultODataNamespace      = "Portico"
	DefaultODataMaxPageSize    = 100
	DefaultODataMaxTop         = 1000
	DefaultODataMaxExpandDepth = 2
)

// ODataEntitySet is one entity set: a table of a database connection (or a
// process that answers queries) seen as a collection of typed entities.
type ODataEntitySet struct {
	// Name is the set's name in URLs ("Customers").
	Name string `json:"name"`
	// EntityType names the type in $metadata (the set's name when empty).
	EntityType string `json:"entityType,omitempty"`
	// Connection and Table back the set with a database table.
	Connection string `json:"connection,omitempty"`
	Table      string `json:"table,omitempty"`
	// Process backs the set instead with a process, which receives the
	// parsed request in its properties (docs/odata.md).
	Process string `json:"process,omitempty"`
	// Key lists the key properties, in order.
	Key        []string          `json:"key"`
	Properties []ODataProperty   `json:"properties"`
	Navigation []ODataNavigation `json:"navigation,omitempty"`
	// ETag names a property whose value changes on every write (a version
	// number or a timestamp); entities then carry @odata.etag and writes
	// honour If-Match.
	ETag string `json:"etag,omitempty"`
	// ReadOnly refuses POST, PUT, PATCH and DELETE.
	ReadOnly bool `json:"readOnly,omitempty"`
}

// ODataProperty is one structural property and the column behind it.
type ODataProperty struct {
	Name string `json:"name"`
	// Column is the table column (the property's name when empty).
	Column string `json:"column,omitempty"`
	// Type is an Edm primitive type name (ODataTypes).
	Type string `json:"type"`
	// Nullable is true when absent, as in CSDL.
	Nullable  *bool `json:"nullable,omitempty"`
	MaxLength int   `json:"maxLength,omitempty"`
	Precision int   `json:"precision,omitempty"`
	Scale     int   `json:"scale,omitempty"`
	// Computed marks a value the database makes (an autoincrement key, a
	// default timestamp): clients may leave it out of a POST and never set it.
	Computed bool `json:"computed,omitempty"`
	// Default marks a column the database fills when a POST leaves it
	// out; it is then optional even when not nullable.
	Default bool `json:"default,omitempty"`
}

// ColumnName is the property's column.
func (p *ODataProperty) ColumnName() string {
	if p.Column != "" {
		return p.Column
	}
	return p.Name
}

// IsNullable reports the property's effective nullability.
func (p *ODataProperty) IsNullable() bool { return p.Nullable == nil || *p.Nullable }

// ODataNavigation relates an entity to the entities of another set, by
// equal property values: the foreign key read from either side.
type ODataNavigation struct {
	Name string `json:"name"`
	// Target names the related entity set.
	Target string `json:"target"`
	// Many is true for a collection (Customer → Orders), false for a
	// single entity (Order → Customer).
	Many bool `json:"many,omitempty"`
	// On maps this set's properties to the target's.
	On map[string]string `json:"on"`
}

// ODataTypes are the Edm primitive types a property may declare.
var ODataTypes = []string{
	"Edm.String", "Edm.Boolean", "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64",
	"Edm.Decimal", "Edm.Double", "Edm.Single", "Edm.Date", "Edm.DateTimeOffset", "Edm.TimeOfDay",
	"Edm.Guid", "Edm.Binary",
}

// odataIdentRE is an OData simple identifier (no dots: names appear in URLs).
var odataIdentRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// odataNamespaceRE is a dotted namespace.
var odataNamespaceRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// sqlIdentRE is a table or column name the OData translator may quote: it
// whitelists rather than escapes, so a name never needs escaping.
var sqlIdentRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,127}(\.[A-Za-z_][A-Za-z0-9_$]{0,127})?$`)

// empty reports whether the spec declares no entity set (nil included).
func (s *ODataSpec) empty() bool { return s == nil || len(s.EntitySets) == 0 }

// validate adds the spec's problems to e; a nil spec has none.
func (s *ODataSpec) validate(e *errs) {
	if s == nil {
		return
	}
	const p = "spec.odata"
	if s.Namespace != "" && !odataNamespaceRE.MatchString(s.Namespace) {
		e.add(p+".namespace", "%q is not a namespace (identifiers joined by dots)", s.Namespace)
	}
	for _, lim := range []struct {
		name string
		v    int
	}{{"maxPageSize", s.MaxPageSize}, {"maxTop", s.MaxTop}, {"maxExpandDepth", s.MaxExpandDepth}} {
		if lim.v < 0 {
			e.add(p+"."+lim.name, "must not be negative")
		}
	}
	if len(s.EntitySets) == 0 {
		e.add(p+".entitySets", "declare at least one entity set")
	}
	sets := map[string]*ODataEntitySet{}
	types := map[string]int{}
	for i := range s.EntitySets {
		es := &s.EntitySets[i]
		sp := fmt.Sprintf("%s.entitySets[%d]", p, i)
		if !odataIdentRE.MatchString(es.Name) {
			e.add(sp+".name", "%q is not an OData identifier (a letter or '_', then letters, digits or '_')", es.Name)
		} else if sets[es.Name] != nil {
			e.add(sp+".name", "%q is declared twice", es.Name)
		} else {
			sets[es.Name] = es
		}
		if t := es.TypeName(); es.EntityType != "" && !odataIdentRE.MatchString(t) {
			e.add(sp+".entityType", "%q is not an OData identifier", t)
		} else if j, dup := types[t]; dup {
			e.add(sp+".entityType", "%q is also the entity type of spec.odata.entitySets[%d]", t, j)
		} else {
			types[t] = i
		}
		es.validate(e, sp)
	}
	for i := range s.EntitySets {
		es := &s.EntitySets[i]
		for j, n := range es.Navigation {
			np := fmt.Sprintf("%s.entitySets[%d].navigation[%d]", p, i, j)
			target := sets[n.Target]
			if target == nil {
				e.add(np+".target", "%q is not an entity set of this API", n.Target)
				continue
			}
			if (es.Process != "") != (target.Process != "") || es.Connection != target.Connection {
				e.add(np+".target", "%q is not backed by the same connection", n.Target)
			}
			for _, remote := range n.On {
				if target.Property(remote) == nil {
					e.add(np+".on", "%q is not a property of %s", remote, n.Target)
				}
			}
		}
	}
}

// TypeName is the set's entity type name.
func (es *ODataEntitySet) TypeName() string {
	if es.EntityType != "" {
		return es.EntityType
	}
	return es.Name
}

// Property returns the property named name, or nil.
func (es *ODataEntitySet) Property(name string) *ODataProperty {
	for i := range es.Properties {
		if es.Properties[i].Name == name {
			return &es.Properties[i]
		}
	}
	return nil
}

func (es *ODataEntitySet) validate(e *errs, sp string) {
	switch {
	case es.Process != "" && (es.Connection != "" || es.Table != ""):
		e.add(sp+".process", "an entity set is backed by a table (connection and table) or by a process, not both")
	case es.Process != "":
		if !ValidName(es.Process) {
			e.add(sp+".process", "%q is not a valid process name", es.Process)
		}
	default:
		if !ValidName(es.Connection) {
			e.add(sp+".connection", "must name a database connection (or set process)")
		}
		if !sqlIdentRE.MatchString(es.Table) {
			e.add(sp+".table", "%q is not a table name (letters, digits, '_' or '$', optionally schema-qualified)", es.Table)
		}
	}
	names := map[string]bool{}
	columns := map[string]bool{}
	if len(es.Properties) == 0 {
		e.add(sp+".properties", "declare at least one property")
	}
	for j := range es.Properties {
		pr := &es.Properties[j]
		pp := fmt.Sprintf("%s.properties[%d]", sp, j)
		if !odataIdentRE.MatchString(pr.Name) {
			e.add(pp+".name", "%q is not an OData identifier", pr.Name)
		} else if names[pr.Name] {
			e.add(pp+".name", "%q is declared twice", pr.Name)
		}
		names[pr.Name] = true
		if col := pr.ColumnName(); !sqlIdentRE.MatchString(col) || slices.Contains([]string{"", "."}, col) {
			e.add(pp+".column", "%q is not a column name", col)
		} else if columns[col] {
			e.add(pp+".column", "column %q is mapped twice", col)
		} else {
			columns[col] = true
		}
		if !slices.Contains(ODataTypes, pr.Type) {
			e.add(pp+".type", "%q is not a supported Edm type (%v)", pr.Type, ODataTypes)
		}
		if pr.MaxLength < 0 || pr.Precision < 0 || pr.Scale < 0 {
			e.add(pp, "maxLength, precision and scale must not be negative")
		}
	}
	if len(es.Key) == 0 {
		e.add(sp+".key", "an entity type needs a key (one or more properties)")
	}
	seen := map[string]bool{}
	for j, k := range es.Key {
		kp := fmt.Sprintf("%s.key[%d]", sp, j)
		pr := es.Property(k)
		switch {
		case pr == nil:
			e.add(kp, "%q is not a property of the set", k)
		case seen[k]:
			e.add(kp, "%q appears twice", k)
		case pr.IsNullable():
			e.add(kp, "key property %q must be declared nullable: false", k)
		case slices.Contains([]string{"Edm.Binary", "Edm.Double", "Edm.Single"}, pr.Type):
			e.add(kp, "key property %q cannot be of type %s", k, pr.Type)
		}
		seen[k] = true
	}
	if es.ETag != "" && es.Property(es.ETag) == nil {
		e.add(sp+".etag", "%q is not a property of the set", es.ETag)
	}
	navs := map[string]bool{}
	for j, n := range es.Navigation {
		np := fmt.Sprintf("%s.navigation[%d]", sp, j)
		if !odataIdentRE.MatchString(n.Name) {
			e.add(np+".name", "%q is not an OData identifier", n.Name)
		} else if names[n.Name] || navs[n.Name] {
			e.add(np+".name", "%q is already a property or navigation of the set", n.Name)
		}
		navs[n.Name] = true
		if len(n.On) == 0 {
			e.add(np+".on", "map at least one property of this set to one of the target")
		}
		for _, local := range sortedKeys(n.On) {
			if es.Property(local) == nil {
				e.add(np+".on", "%q is not a property of the set", local)
			}
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// references lists the components the entity sets use.
func (s *ODataSpec) references() []Ref {
	if s == nil {
		return nil
	}
	var refs []Ref
	for _, es := range s.EntitySets {
		if es.Process != "" {
			refs = append(refs, Ref{KindProcess, es.Process})
		} else if es.Connection != "" {
			refs = append(refs, Ref{KindConnection, es.Connection})
		}
	}
	return refs
}

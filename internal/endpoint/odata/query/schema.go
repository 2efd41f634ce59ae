// Package query parses the OData v4 resource path and system query options
// ($filter, $select, $orderby, $top, $skip, $count, $expand) into a typed
// AST checked against the entity model. Nothing here touches a database:
// the SQL translator (connector/sqldb/odatasql) and process-backed entity
// sets both read the AST, and every literal stays a typed value, never text
// to splice.
package query

import (
	"fmt"
	"slices"
	"sort"

	"github.com/portico-dev/portico/internal/model"
)

// Type is an Edm primitive type, reduced to what the parser must tell apart.
type Type uint8

// The types of expressions.
const (
	TNull Type = iota // the null literal: compatible with every type
	TString
	TBool
	TInt // Byte, SByte, Int16, Int32, Int64
	TDecimal
	TDouble // Double, Single
	TDate
	TDateTimeOffset
	TTimeOfDay
	TGuid
	TBinary
)

var typeNames = [...]string{"null", "Edm.String", "Edm.Boolean", "Edm.Int64", "Edm.Decimal", "Edm.Double",
	"Edm.Date", "Edm.DateTimeOffset", "Edm.TimeOfDay", "Edm.Guid", "Edm.Binary"}

// String names the type as Edm does.
func (t Type) String() string { return typeNames[t] }

// Numeric reports the number types.
func (t Type) Numeric() bool { return t == TInt || t == TDecimal || t == TDouble }

// TypeOf maps an Edm type name to its Type.
func TypeOf(edm string) Type {
	switch edm {
	case "Edm.String":
		return TString
	case "Edm.Boolean":
		return TBool
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		return TInt
	case "Edm.Decimal":
		return TDecimal
	case "Edm.Double", "Edm.Single":
		return TDouble
	case "Edm.Date":
		return TDate
	case "Edm.DateTimeOffset":
		return TDateTimeOffset
	case "Edm.TimeOfDay":
		return TTimeOfDay
	case "Edm.Guid":
		return TGuid
	case "Edm.Binary":
		return TBinary
	}
	return TString
}

// Property is a structural property and its (whitelisted) column.
type Property struct {
	Name     string
	Column   string
	Edm      string
	Type     Type
	Nullable bool
	Computed bool
	// Default: the database fills it when a POST leaves it out.
	Default bool
	Key     bool
	// Index is the property's position in EntitySet.Props.
	Index int
}

// Nav is a navigation property: the target set and the pairs of
// properties that join the two.
type Nav struct {
	Name   string
	Target *EntitySet
	Many   bool
	Local  []*Property // of the source set
	Remote []*Property // of the target set, pairwise
}

// EntitySet is one entity set, compiled from its spec once per snapshot.
type EntitySet struct {
	Name     string
	TypeName string
	// Table is the whitelisted table; empty for a process-backed set.
	Table    string
	Process  string
	Props    []*Property
	Key      []*Property
	Navs     []*Nav
	ETag     *Property
	ReadOnly bool
	Spec     *model.ODataEntitySet

	byName map[string]*Property
	navs   map[string]*Nav
}

// Property returns the structural property named name, or nil.
func (es *EntitySet) Property(name string) *Property { return es.byName[name] }

// Nav returns the navigation property named name, or nil.
func (es *EntitySet) Nav(name string) *Nav { return es.navs[name] }

// Service is the compiled entity model of one API.
type Service struct {
	Namespace      string
	MaxPageSize    int
	MaxTop         int
	MaxExpandDepth int
	Sets           []*EntitySet
	sets           map[string]*EntitySet
}

// Set returns the entity set named name, or nil.
func (s *Service) Set(name string) *EntitySet { return s.sets[name] }

// NewService compiles a validated spec.
func NewService(spec *model.ODataSpec) (*Service, error) {
	s := &Service{
		Namespace: spec.Namespace, MaxPageSize: spec.MaxPageSize, MaxTop: spec.MaxTop,
		MaxExpandDepth: spec.MaxExpandDepth, sets: map[string]*EntitySet{},
	}
	if s.Namespace == "" {
		s.Namespace = model.DefaultODataNamespace
	}
	if s.MaxPageSize <= 0 {
		s.MaxPageSize = model.DefaultODataMaxPageSize
	}
	if s.MaxTop <= 0 {
		s.MaxTop = model.DefaultODataMaxTop
	}
	if s.MaxExpandDepth <= 0 {
		s.MaxExpandDepth = model.DefaultODataMaxExpandDepth
	}
	for i := range spec.EntitySets {
		es := &spec.EntitySets[i]
		set := &EntitySet{Name: es.Name, TypeName: es.TypeName(), Table: es.Table, Process: es.Process,
			ReadOnly: es.ReadOnly, Spec: es, byName: map[string]*Property{}, navs: map[string]*Nav{}}
		for j := range es.Properties {
			p := &es.Properties[j]
			prop := &Property{Name: p.Name, Column: p.ColumnName(), Edm: p.Type, Type: TypeOf(p.Type),
				Nullable: p.IsNullable(), Computed: p.Computed, Default: p.Default, Key: slices.Contains(es.Key, p.Name), Index: j}
			set.Props = append(set.Props, prop)
			set.byName[p.Name] = prop
		}
		for _, k := range es.Key {
			if set.byName[k] == nil {
				return nil, fmt.Errorf("%w: entity set %s: key %q is not a property", model.ErrInvalid, es.Name, k)
			}
			set.Key = append(set.Key, set.byName[k])
		}
		if es.ETag != "" {
			set.ETag = set.byName[es.ETag]
		}
		s.Sets = append(s.Sets, set)
		s.sets[set.Name] = set
	}
	for i := range spec.EntitySets {
		es := &spec.EntitySets[i]
		set := s.sets[es.Name]
		for _, n := range es.Navigation {
			target := s.sets[n.Target]
			if target == nil {
				return nil, fmt.Errorf("%w: entity set %s: navigation %s: no entity set %q", model.ErrInvalid, es.Name, n.Name, n.Target)
			}
			nav := &Nav{Name: n.Name, Target: target, Many: n.Many}
			locals := make([]string, 0, len(n.On))
			for l := range n.On {
				locals = append(locals, l)
			}
			sort.Strings(locals)
			for _, l := range locals {
				lp, rp := set.byName[l], target.byName[n.On[l]]
				if lp == nil || rp == nil {
					return nil, fmt.Errorf("%w: entity set %s: navigation %s: unknown property", model.ErrInvalid, es.Name, n.Name)
				}
				nav.Local = append(nav.Local, lp)
				nav.Remote = append(nav.Remote, rp)
			}
			set.Navs = append(set.Navs, nav)
			set.navs[nav.Name] = nav
		}
	}
	return s, nil
}

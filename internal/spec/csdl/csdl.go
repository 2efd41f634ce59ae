// Package csdl writes the $metadata document of an OData service: CSDL XML
// (OData v4.0 edmx) and CSDL JSON, from the compiled entity model.
package csdl

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// ContainerName names the entity container.
const ContainerName = "Container"

type edmx struct {
	XMLName  xml.Name `xml:"edmx:Edmx"`
	Xmlns    string   `xml:"xmlns:edmx,attr"`
	Version  string   `xml:"Version,attr"`
	Services struct {
		Schema schema `xml:"Schema"`
	} `xml:"edmx:DataServices"`
}

type schema struct {
	Xmlns     string       `xml:"xmlns,attr"`
	Namespace string       `xml:"Namespace,attr"`
	Types     []entityType `xml:"EntityType"`
	Container struct {
		Name string      `xml:"Name,attr"`
		Sets []entitySet `xml:"EntitySet"`
	} `xml:"EntityContainer"`
}

type entityType struct {
	Name string `xml:"Name,attr"`
	Key  struct {
		Refs []nameAttr `xml:"PropertyRef"`
	} `xml:"Key"`
	Props []property `xml:"Property"`
	Navs  []navProp  `xml:"NavigationProperty"`
}

type nameAttr struct {
	Name string `xml:"Name,attr"`
}

type property struct {
	Name      string `xml:"Name,attr"`
	Type      string `xml:"Type,attr"`
	Nullable  string `xml:"Nullable,attr,omitempty"`
	MaxLength string `xml:"MaxLength,attr,omitempty"`
	Precision string `xml:"Precision,attr,omitempty"`
	Scale     string `xml:"Scale,attr,omitempty"`
}

type navProp struct {
	Name        string       `xml:"Name,attr"`
	Type        string       `xml:"Type,attr"`
	Nullable    string       `xml:"Nullable,attr,omitempty"`
	Constraints []constraint `xml:"ReferentialConstraint"`
}

type constraint struct {
	Property           string `xml:"Property,attr"`
	ReferencedProperty string `xml:"ReferencedProperty,attr"`
}

type entitySet struct {
	Name       string       `xml:"Name,attr"`
	EntityType string       `xml:"EntityType,attr"`
	Bindings   []navBinding `xml:"NavigationPropertyBinding"`
}

type navBinding struct {
	Path   string `xml:"Path,attr"`
	Target string `xml:"Target,attr"`
}

// XML writes the CSDL XML document of svc.
func XML(svc *query.Service) ([]byte, error) {
	doc := edmx{Xmlns: "http://docs.oasis-open.org/odata/ns/edmx", Version: "4.0"}
	s := &doc.Services.Schema
	s.Xmlns, s.Namespace = "http://docs.oasis-open.org/odata/ns/edm", svc.Namespace
	s.Container.Name = ContainerName
	for _, set := range svc.Sets {
		et := entityType{Name: set.TypeName}
		for _, k := range set.Key {
			et.Key.Refs = append(et.Key.Refs, nameAttr{k.Name})
		}
		for _, p := range set.Props {
			sp := set.Spec.Properties[p.Index]
			xp := property{Name: p.Name, Type: p.Edm}
			if !p.Nullable {
				xp.Nullable = "false"
			}
			xp.MaxLength, xp.Precision, xp.Scale = positive(sp.MaxLength), positive(sp.Precision), positive(sp.Scale)
			if sp.Scale > 0 || (p.Type == query.TDecimal && sp.Precision > 0) {
				xp.Scale = strconv.Itoa(sp.Scale)
			}
			et.Props = append(et.Props, xp)
		}
		es := entitySet{Name: set.Name, EntityType: svc.Namespace + "." + set.TypeName}
		for _, n := range set.Navs {
			np := navProp{Name: n.Name, Type: svc.Namespace + "." + n.Target.TypeName}
			if n.Many {
				np.Type = "Collection(" + np.Type + ")"
			} else {
				if !anyNullable(n.Local) {
					np.Nullable = "false"
				}
				for i, l := range n.Local {
					np.Constraints = append(np.Constraints, constraint{Property: l.Name, ReferencedProperty: n.Remote[i].Name})
				}
			}
			et.Navs = append(et.Navs, np)
			es.Bindings = append(es.Bindings, navBinding{Path: n.Name, Target: n.Target.Name})
		}
		s.Types = append(s.Types, et)
		s.Container.Sets = append(s.Container.Sets, es)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func positive(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func anyNullable(ps []*query.Property) bool {
	for _, p := range ps {
		if p.Nullable {
			return true
		}
	}
	return false
}

// JSON writes the CSDL JSON document of svc (OData CSDL JSON 4.01).
func JSON(svc *query.Service) ([]byte, error) {
	ns := ordered{}
	container := ordered{{"$Kind", "EntityContainer"}}
	for _, set := range svc.Sets {
		et := ordered{{"$Kind", "EntityType"}}
		keys := make([]string, len(set.Key))
		for i, k := range set.Key {
			keys[i] = k.Name
		}
		et = append(et, kv{"$Key", keys})
		for _, p := range set.Props {
			sp := set.Spec.Properties[p.Index]
			jp := ordered{}
			if p.Edm != "Edm.String" {
				jp = append(jp, kv{"$Type", p.Edm})
			}
			// In CSDL JSON a property is not nullable unless it says so.
			if p.Nullable {
				jp = append(jp, kv{"$Nullable", true})
			}
			if sp.MaxLength > 0 {
				jp = append(jp, kv{"$MaxLength", sp.MaxLength})
			}
			if sp.Precision > 0 {
				jp = append(jp, kv{"$Precision", sp.Precision})
			}
			if sp.Scale > 0 {
				jp = append(jp, kv{"$Scale", sp.Scale})
			}
			et = append(et, kv{p.Name, jp})
		}
		bindings := ordered{}
		for _, n := range set.Navs {
			jn := ordered{{"$Kind", "NavigationProperty"}}
			if n.Many {
				jn = append(jn, kv{"$Collection", true})
			}
			jn = append(jn, kv{"$Type", svc.Namespace + "." + n.Target.TypeName})
			if !n.Many {
				if anyNullable(n.Local) {
					jn = append(jn, kv{"$Nullable", true})
				}
				rc := ordered{}
				for i, l := range n.Local {
					rc = append(rc, kv{l.Name, n.Remote[i].Name})
				}
				jn = append(jn, kv{"$ReferentialConstraint", rc})
			}
			et = append(et, kv{n.Name, jn})
			bindings = append(bindings, kv{n.Name, n.Target.Name})
		}
		ns = append(ns, kv{set.TypeName, et})
		es := ordered{{"$Collection", true}, {"$Type", svc.Namespace + "." + set.TypeName}}
		if len(bindings) > 0 {
			es = append(es, kv{"$NavigationPropertyBinding", bindings})
		}
		container = append(container, kv{set.Name, es})
	}
	ns = append(ns, kv{ContainerName, container})
	doc := ordered{{"$Version", "4.0"}, {"$EntityContainer", svc.Namespace + "." + ContainerName}, {svc.Namespace, ns}}
	return json.MarshalIndent(doc, "", "  ")
}

// kv and ordered write a JSON object with its members in order, as CSDL
// readers (and people) expect $Kind first.
type kv struct {
	k string
	v any
}

type ordered []kv

// MarshalJSON implements json.Marshaler.
func (o ordered) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(m.k)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

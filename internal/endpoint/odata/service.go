// Package odata serves APIs' entity sets as OData v4 services: the service
// document, $metadata (CSDL XML, or JSON with $format=json), collections
// with $filter, $select, $orderby, $top, $skip, $count and $expand,
// server-driven paging, single entities, properties and their raw values,
// navigation, and writes (POST, PATCH, PUT, DELETE with If-Match). Table
// sets are read and written through parameterised SQL (odatasql); a
// process-backed set receives the parsed request as a document. Every
// error uses the OData JSON error format.
package odata

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/csdl"
)

// DefaultPrefix is where the runtime mounts OData services.
const DefaultPrefix = "/ws/odata"

// Input is what Compile needs of one API.
type Input struct {
	Name string
	API  *model.APISpec
	// DBs are the pools of the database connections the table-backed sets
	// name, by connection name.
	DBs map[string]*sqldb.DB
	// Procs are the compiled processes of the package, by name.
	Procs map[string]endpoint.RunnerWithSpec
}

// Service is one API's compiled OData service.
type Service struct {
	name, base string // "erp", "erp/v1"
	svc        *query.Service
	backends   map[*query.EntitySet]*backend
	xml, json  []byte // $metadata, compiled once
	opts       endpoint.Options
	log        *slog.Logger
}

// backend is what answers one entity set: a table on a pool, or a process.
type backend struct {
	db      *sqldb.DB
	dialect odatasql.Dialect
	proc    *endpoint.RunnerWithSpec
}

// Compile builds the service of one API; the spec must be valid.
func Compile(in Input, opts endpoint.Options) (*Service, error) {
	if in.API == nil || in.API.OData == nil || len(in.API.OData.EntitySets) == 0 {
		return nil, fmt.Errorf("%w: api %s declares no OData entity set", model.ErrInvalid, in.Name)
	}
	svc, err := query.NewService(in.API.OData)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{name: in.Name, base: in.API.BasePath + "/" + in.API.Version, svc: svc,
		backends: map[*query.EntitySet]*backend{}, opts: opts, log: opts.Logger}
	for _, set := range svc.Sets {
		if set.Process != "" {
			p, ok := in.Procs[set.Process]
			if !ok {
				return nil, fmt.Errorf("%w: entity set %s: process %q is not in the package", model.ErrInvalid, set.Name, set.Process)
			}
			if p.Name == "" {
				p.Name = set.Process
			}
			s.backends[set] = &backend{proc: &p}
			continue
		}
		db := in.DBs[set.Spec.Connection]
		if db == nil {
			return nil, fmt.Errorf("%w: entity set %s: connection %q is not a database connection of the package", model.ErrInvalid, set.Name, set.Spec.Connection)
		}
		d, err := odatasql.DialectOf(db.Driver())
		if err != nil {
			return nil, err
		}
		s.backends[set] = &backend{db: db, dialect: d}
	}
	if s.xml, err = csdl.XML(svc); err != nil {
		return nil, err
	}
	if s.json, err = csdl.JSON(svc); err != nil {
		return nil, err
	}
	return s, nil
}

// Base is "{basePath}/{version}", the service's place under the prefix.
func (s *Service) Base() string { return s.base }

// Router serves several services under one prefix.
type Router struct {
	prefix   string
	services map[string]*Service
}

// NewRouter routes prefix/{base}/{version}/... to the services.
func NewRouter(prefix string, services []*Service) *Router {
	r := &Router{prefix: prefix, services: map[string]*Service{}}
	for _, s := range services {
		r.services[s.base] = s
	}
	return r
}

// ServeHTTP implements http.Handler.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	endpoint.EnsureExecutionID(w)
	w.Header().Set("OData-Version", "4.0")
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), rt.prefix+"/")
	if !ok {
		_, _ = writeError(w, &query.Error{Status: http.StatusNotFound, Code: query.CodeNotFound, Message: "no OData service at " + r.URL.Path})
		return
	}
	// The base path may hold slashes: try each split point.
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) && rest[i] != '/' {
			continue
		}
		s := rt.services[rest[:i]]
		if s == nil {
			continue
		}
		if i == len(rest) { // the service root without its slash
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				target := r.URL.EscapedPath() + "/"
				if r.URL.RawQuery != "" {
					target += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
			break
		}
		s.serve(w, r, rt.prefix+"/"+rest[:i+1], rest[i+1:])
		return
	}
	_, _ = writeError(w, &query.Error{Status: http.StatusNotFound, Code: query.CodeNotFound, Message: "no OData service at " + r.URL.Path})
}

package scaffold

import (
	"errors"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// ErrStyleUnavailable marks an endpoint style whose generator is not built yet.
var ErrStyleUnavailable = errors.New("not available yet")

// Styles of endpoints a generator may produce.
const (
	StyleREST  = "rest"
	StyleSOAP  = "soap"
	StyleOData = "odata"
)

// Options are the user's choices for one generation.
type Options struct {
	Connection string // name of the existing database connection the SQL runs on
	API        string // name of the API component
	BasePath   string // e.g. erp
	Version    string // e.g. v1
	Title      string
	// DefaultLimit and MaxLimit bound list pages (50 and 500 when zero).
	DefaultLimit, MaxLimit int
}

// Result is what a generator made: components in apply order and warnings
// for the user.
type Result struct {
	Components []*model.Component
	Warnings   []string
}

// Generator makes the components of one endpoint style from introspected
// tables. It is pure: same input, same output.
type Generator interface {
	Generate(db *Database, opts Options) (*Result, error)
}

// NewGenerator returns the generator of style (SOAP: the REST generation
// with its processes also exposed as SOAP operations; OData: entity sets).
func NewGenerator(style string) (Generator, error) {
	switch style {
	case StyleREST:
		return restGenerator{}, nil
	case StyleSOAP:
		return soapGenerator{}, nil
	case StyleOData:
		return odataGenerator{}, nil
	}
	return nil, fmt.Errorf("%w: unknown endpoint style %q", model.ErrInvalid, style)
}

// Generate is REST generation, the default style.
func Generate(db *Database, opts Options) (*Result, error) {
	return restGenerator{}.Generate(db, opts)
}

func (o *Options) check() error {
	if o.DefaultLimit <= 0 {
		o.DefaultLimit = 50
	}
	if o.MaxLimit <= 0 {
		o.MaxLimit = 500
	}
	if o.DefaultLimit > o.MaxLimit {
		o.DefaultLimit = o.MaxLimit
	}
	switch {
	case !model.ValidName(o.Connection):
		return model.Invalidf("connection", "%q is not a component name", o.Connection)
	case !model.ValidName(o.API):
		return model.Invalidf("api", "%q is not a component name", o.API)
	case !model.ValidBasePath(o.BasePath):
		return model.Invalidf("base", "%q is not a valid base path (e.g. erp)", o.BasePath)
	case !model.ValidAPIVersion(o.Version):
		return model.Invalidf("version", "%q is not a valid API version (e.g. v1)", o.Version)
	}
	return nil
}

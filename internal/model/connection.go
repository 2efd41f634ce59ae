package model

import (
	"net/url"
	"slices"
)

// Connection types.
const (
	ConnectionDatabase = "database"
	ConnectionHTTP     = "http"
)

// Database drivers a database connection may use.
var DatabaseDrivers = []string{"sqlite", "postgres", "mysql"}

// ConnectionSpec describes how processes reach a database or an HTTP host.
type ConnectionSpec struct {
	Type     string              `json:"type"`
	Database *DatabaseConnection `json:"database,omitempty"`
	HTTP     *HTTPConnection     `json:"http,omitempty"`
}

// DatabaseConnection is a SQL database reached through its Go driver.
type DatabaseConnection struct {
	Driver          string   `json:"driver"`
	DSN             Secret   `json:"dsn"`
	MaxOpenConns    int      `json:"maxOpenConns,omitempty"`
	MaxIdleConns    int      `json:"maxIdleConns,omitempty"`
	ConnMaxLifetime Duration `json:"connMaxLifetime,omitempty"`
}

// HTTPConnection is an HTTP host that http steps call.
type HTTPConnection struct {
	BaseURL string     `json:"baseURL"`
	Auth    *HTTPAuth  `json:"auth,omitempty"`
	Timeout Duration   `json:"timeout,omitempty"`
	TLS     *ClientTLS `json:"tls,omitempty"`
}

// HTTPAuth is how an HTTP connection authenticates to its host.
type HTTPAuth struct {
	Type     string `json:"type"` // none | basic | bearer | header
	Username string `json:"username,omitempty"`
	Password Secret `json:"password,omitempty"`
	Token    Secret `json:"token,omitempty"`
	Header   string `json:"header,omitempty"`
	Value    Secret `json:"value,omitempty"`
}

// ClientTLS are the TLS options of an outgoing connection.
type ClientTLS struct {
	InsecureSkipVerify bool   `json:"insecureSkipVerify,omitempty"`
	CAFile             string `json:"caFile,omitempty"`
	ServerName         string `json:"serverName,omitempty"`
}

// Kind implements Spec.
func (*ConnectionSpec) Kind() Kind { return KindConnection }

// References implements Spec: a connection uses nothing.
func (*ConnectionSpec) References() []Ref { return nil }

// Validate implements Spec.
func (s *ConnectionSpec) Validate() error {
	var e errs
	switch s.Type {
	case ConnectionDatabase:
		if s.HTTP != nil {
			e.add("spec.http", "not allowed on a database connection")
		}
		if s.Database == nil {
			e.add("spec.database", "is required for type database")
			break
		}
		d := s.Database
		if !slices.Contains(DatabaseDrivers, d.Driver) {
			e.add("spec.database.driver", "%q is not supported (want sqlite, postgres or mysql)", d.Driver)
		}
		if d.DSN == "" {
			e.add("spec.database.dsn", "is required")
		}
		if d.MaxOpenConns < 0 {
			e.add("spec.database.maxOpenConns", "must not be negative")
		}
		if d.MaxIdleConns < 0 {
			e.add("spec.database.maxIdleConns", "must not be negative")
		}
		if d.ConnMaxLifetime < 0 {
			e.add("spec.database.connMaxLifetime", "must not be negative")
		}
	case ConnectionHTTP:
		if s.Database != nil {
			e.add("spec.database", "not allowed on an http connection")
		}
		if s.HTTP == nil {
			e.add("spec.http", "is required for type http")
			break
		}
		h := s.HTTP
		if u, err := url.Parse(h.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.add("spec.http.baseURL", "%q is not an absolute http(s) URL", h.BaseURL)
		}
		if h.Timeout < 0 {
			e.add("spec.http.timeout", "must not be negative")
		}
		if a := h.Auth; a != nil {
			switch a.Type {
			case "", "none":
			case "basic":
				if a.Username == "" {
					e.add("spec.http.auth.username", "is required for basic authentication")
				}
			case "bearer":
				if a.Token == "" {
					e.add("spec.http.auth.token", "is required for bearer authentication")
				}
			case "header":
				if a.Header == "" {
					e.add("spec.http.auth.header", "is required for header authentication")
				}
			default:
				e.add("spec.http.auth.type", "%q is not supported (want none, basic, bearer or header)", a.Type)
			}
		}
	case "":
		e.add("spec.type", "is required (database or http)")
	default:
		e.add("spec.type", "%q is not supported (want database or http)", s.Type)
	}
	return e.err()
}

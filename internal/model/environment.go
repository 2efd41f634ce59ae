package model

import (
	"net/url"
	"time"
)

// Environment is a named deployment target (dev, prod) with the settings of
// its shared web server. Revision is its snapshot revision: every change to
// what is deployed there, or to its settings, increments it.
type Environment struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Spec        EnvironmentSpec `json:"spec"`
	Revision    int64           `json:"revision"`
	CreatedAt   time.Time       `json:"createdAt,omitzero"`
	UpdatedAt   time.Time       `json:"updatedAt,omitzero"`
}

// EnvironmentSpec holds the environment's shared-web-server settings. Later
// capabilities (listeners, TLS, authentication, limits, worker pools) add
// their fields here.
type EnvironmentSpec struct {
	// PublicURL is the address callers use to reach the runtimes; generated
	// contracts use it when set, and the request's address otherwise.
	PublicURL string `json:"publicURL,omitempty"`
	// Security holds the listeners (TLS, authentication), IP filters and
	// CORS of the shared web server (environment_security.go).
	Security *SecuritySpec `json:"security,omitempty"`
	// Limits bound requests, bodies, concurrency and execution time
	// (environment_limits.go).
	Limits *LimitsSpec `json:"limits,omitempty"`
	// Executions tune X-Max-Wait, async endpoints and webhooks.
	Executions *ExecutionSettings `json:"executions,omitempty"`
}

// Validate checks the environment.
func (env *Environment) Validate() error {
	var e errs
	if !ValidName(env.Name) {
		e.add("name", "%q is not a valid environment name", env.Name)
	}
	if len(env.Description) > 4096 {
		e.add("description", "longer than 4096 characters")
	}
	if u := env.Spec.PublicURL; u != "" {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			e.add("spec.publicURL", "%q is not an absolute http(s) URL", u)
		}
	}
	if env.Spec.Security != nil {
		env.Spec.Security.validate(&e, "spec.security")
	}
	if env.Spec.Limits != nil {
		env.Spec.Limits.validate(&e, "spec.limits")
	}
	env.Spec.Executions.validate(&e, "spec.executions")
	return e.err()
}

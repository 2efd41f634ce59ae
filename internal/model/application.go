package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"time"
)

// Application is a consumer's program that calls APIs: it holds API keys
// (sent as X-API-Key) and is subscribed to APIs under plans. Applications
// are global: every environment's snapshot carries them, keys as hashes.
type Application struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Spec        ApplicationSpec `json:"spec"`
	// Keys are managed on their own (generate, revoke), never by apply.
	Keys      []APIKey  `json:"keys,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// ApplicationSpec is what `apply` sets on an application.
type ApplicationSpec struct {
	// Owner is free text or the name of a consumer.
	Owner string `json:"owner,omitempty"`
	// Contact is an email address.
	Contact string `json:"contact,omitempty"`
	// Status disabled refuses every key of the application (403).
	Status Status `json:"status,omitempty"`
	// Subscriptions bind the application to APIs, each under a plan.
	Subscriptions []Subscription `json:"subscriptions,omitempty"`
}

// Subscription lets an application call an API (every version, or only
// Version) under a plan.
type Subscription struct {
	API     string `json:"api"`
	Version string `json:"version,omitempty"`
	Plan    string `json:"plan"`
}

// APIKey is a credential of an application. Only the SHA-256 hex digest of
// the clear key is stored; the clear key is shown once when generated.
type APIKey struct {
	ID string `json:"id"`
	// Prefix is the clear key's first characters, to recognise it by.
	Prefix    string     `json:"prefix"`
	Hash      string     `json:"hash,omitempty"`
	Status    Status     `json:"status,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt,omitzero"`
}

// Expired reports whether the key is past its expiry at now.
func (k *APIKey) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// HashAPIKey is what is stored of a clear API key: its SHA-256, in hex.
func HashAPIKey(clear string) string {
	sum := sha256.Sum256([]byte(clear))
	return hex.EncodeToString(sum[:])
}

// Validate checks the application (its keys are checked where generated).
func (a *Application) Validate() error {
	var e errs
	if !ValidName(a.Name) {
		e.add("name", "%q is not a valid application name", a.Name)
	}
	if len(a.Description) > 4096 {
		e.add("description", "longer than 4096 characters")
	}
	s := &a.Spec
	if len(s.Owner) > 256 {
		e.add("spec.owner", "longer than 256 characters")
	}
	if s.Contact != "" {
		if addr, err := mail.ParseAddress(s.Contact); err != nil || addr.Name != "" {
			e.add("spec.contact", "%q is not an email address", s.Contact)
		}
	}
	s.Status.validate(&e, "spec.status")
	seen := map[[2]string]int{}
	for i, sub := range s.Subscriptions {
		path := fmt.Sprintf("spec.subscriptions[%d]", i)
		if err := sub.Validate(); err != nil {
			e.merge(path, prefixFields(path, err))
			continue
		}
		k := [2]string{sub.API, sub.Version}
		if j, dup := seen[k]; dup {
			e.add(path, "a second subscription to %s (also spec.subscriptions[%d])", sub.Target(), j)
			continue
		}
		seen[k] = i
	}
	return e.err()
}

// Validate checks one subscription.
func (s *Subscription) Validate() error {
	var e errs
	if !ValidName(s.API) {
		e.add("api", "%q is not an API name", s.API)
	}
	if s.Version != "" && !ValidAPIVersion(s.Version) {
		e.add("version", "%q is not an API version", s.Version)
	}
	if !ValidName(s.Plan) {
		e.add("plan", "%q is not a plan name", s.Plan)
	}
	return e.err()
}

// Target names what the subscription covers: "erp" or "erp v1".
func (s *Subscription) Target() string {
	if s.Version == "" {
		return s.API
	}
	return s.API + " " + s.Version
}

// prefixFields puts path in front of every field of a ValidationError.
func prefixFields(path string, err error) error {
	ve, ok := err.(*ValidationError)
	if !ok {
		return err
	}
	out := &ValidationError{Fields: make([]FieldError, len(ve.Fields))}
	for i, f := range ve.Fields {
		out.Fields[i] = FieldError{Path: path + "." + f.Path, Message: f.Message}
	}
	return out
}

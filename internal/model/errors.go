package model

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors shared by every layer; the platform API maps each to one
// HTTP status in a single place.
var (
	// ErrInvalid marks input that fails validation (400).
	ErrInvalid = errors.New("invalid")
	// ErrNotFound marks a missing component, package, environment, user, ... (404).
	ErrNotFound = errors.New("not found")
	// ErrConflict marks a write that collides with existing state, such as a
	// duplicate package version or a route already served by another API (409).
	ErrConflict = errors.New("conflict")
	// ErrInUse marks a delete refused because something still references the
	// target (409).
	ErrInUse = errors.New("in use")
	// ErrUnauthenticated marks a missing, unknown or expired credential (401).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden marks a caller whose role does not allow the action (403).
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable marks a store that cannot be reached or is locked (503).
	ErrUnavailable = errors.New("unavailable")
)

// FieldError is one validation failure located by its field path, for example
// "spec.endpoints[2].path".
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error implements the error interface.
func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationError collects every FieldError found in one document, so that a
// user fixes them all in one round.
type ValidationError struct {
	Fields []FieldError `json:"errors"`
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return strings.Join(msgs, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true for every ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalidf returns an ErrInvalid-wrapping error for a single field.
func Invalidf(path, format string, args ...any) error {
	return &ValidationError{Fields: []FieldError{{Path: path, Message: fmt.Sprintf(format, args...)}}}
}

// errs accumulates field errors during validation.
type errs struct{ list []FieldError }

func (e *errs) add(path, format string, args ...any) {
	e.list = append(e.list, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	return &ValidationError{Fields: e.list}
}

// merge appends the fields of a ValidationError (or a plain error at path).
func (e *errs) merge(path string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		e.list = append(e.list, ve.Fields...)
		return
	}
	e.add(path, "%v", err)
}

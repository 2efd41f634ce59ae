package query

import (
	"fmt"
	"net/http"
)

// Error is a request the service refuses, with what the OData error
// format needs: the HTTP status, a code, a message and the option or
// segment it concerns.
type Error struct {
	Status  int
	Code    string
	Message string
	Target  string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Target == "" {
		return e.Message
	}
	return e.Target + ": " + e.Message
}

// Codes of Error.
const (
	CodeSyntax         = "syntaxError"
	CodeUnknown        = "unknownProperty"
	CodeType           = "typeMismatch"
	CodeBadRequest     = "badRequest"
	CodeNotFound       = "notFound"
	CodeNotImplemented = "notImplemented"
	CodeLimit          = "limitExceeded"
)

// Errorf returns a 400 Error of code about target.
func Errorf(code, target, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Target: target, Message: fmt.Sprintf(format, args...)}
}

// NotImplemented returns the 501 of a feature the service does not offer:
// refusing is better than a result that ignores part of the request.
func NotImplemented(target, format string, args ...any) *Error {
	return &Error{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Target: target,
		Message: fmt.Sprintf(format, args...) + " is not supported by this service"}
}

// syntaxAt is a parse error at a 0-based byte offset of an option's text.
func syntaxAt(target string, pos int, format string, args ...any) *Error {
	return Errorf(CodeSyntax, target, "%s at position %d", fmt.Sprintf(format, args...), pos)
}

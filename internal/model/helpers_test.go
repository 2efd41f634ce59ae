package model_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

// fieldPaths returns the field paths of a ValidationError, in order, or nil
// for a nil error; any other error fails the test.
func fieldPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	}
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %v is not a *model.ValidationError", err, err)
	}
	paths := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		paths[i] = f.Path
	}
	return paths
}

// checkPaths asserts that err names exactly the want field paths, in order.
func checkPaths(t *testing.T, err error, want []string) {
	t.Helper()
	got := fieldPaths(t, err)
	if !slices.Equal(got, want) {
		t.Fatalf("field paths = %q, want %q (error: %v)", got, want, err)
	}
}

package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestEnvironmentValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  model.Environment
		want []string
	}{
		{"bare", model.Environment{Name: "dev"}, nil},
		{"public url", model.Environment{Name: "prod", Description: "live", Spec: model.EnvironmentSpec{PublicURL: "https://api.example.com"}}, nil},
		{"bad name", model.Environment{Name: "my env"}, []string{"name"}},
		{"empty name", model.Environment{}, []string{"name"}},
		{"long description", model.Environment{Name: "dev", Description: strings.Repeat("d", 4097)}, []string{"description"}},
		{"relative public url", model.Environment{Name: "dev", Spec: model.EnvironmentSpec{PublicURL: "api.example.com"}}, []string{"spec.publicURL"}},
		{"ftp public url", model.Environment{Name: "dev", Spec: model.EnvironmentSpec{PublicURL: "ftp://x"}}, []string{"spec.publicURL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.env.Validate(), tt.want)
		})
	}
}

func TestValidationError(t *testing.T) {
	t.Parallel()
	err := model.Invalidf("spec.endpoints[2].path", "%q must start with /", "x")
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatal("Invalidf does not wrap ErrInvalid")
	}
	if errors.Is(err, model.ErrNotFound) {
		t.Fatal("a ValidationError matches ErrNotFound")
	}
	if want := `spec.endpoints[2].path: "x" must start with /`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	ve := &model.ValidationError{Fields: []model.FieldError{{Path: "name", Message: "bad"}, {Message: "whole document"}}}
	if want := "name: bad; whole document"; ve.Error() != want {
		t.Errorf("Error() = %q, want %q", ve.Error(), want)
	}
	wrapped := errors.Join(errors.New("apply"), ve)
	var back *model.ValidationError
	if !errors.As(wrapped, &back) || !errors.Is(wrapped, model.ErrInvalid) {
		t.Error("a wrapped ValidationError is lost")
	}
}

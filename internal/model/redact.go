package model

import (
	"fmt"
	"reflect"
	"strings"
)

// RedactedSecret replaces a secret's value where the caller may not see it.
// Applied back, it means "keep the current value".
const RedactedSecret Secret = "******"

var secretType = reflect.TypeFor[Secret]()

// RedactSecrets returns a deep copy of spec in which every non-empty Secret
// is RedactedSecret; spec itself is left alone.
func RedactSecrets(spec Spec) Spec {
	out, _ := MapSecrets(spec, func(_ string, s Secret) (Secret, error) {
		if s == "" {
			return s, nil
		}
		return RedactedSecret, nil
	})
	return out
}

// MapSecrets returns a deep copy of spec in which every Secret, empty ones
// too, is replaced by what fn returns for it; spec itself is left alone. fn
// gets the secret's field path as in validation errors ("spec.database.dsn",
// "spec.steps[2].http.headers.X"). The first error of fn is returned. It
// walks the spec by reflection so that secrets added to any kind later are
// covered too.
func MapSecrets(spec Spec, fn func(path string, s Secret) (Secret, error)) (Spec, error) {
	if spec == nil {
		return nil, nil
	}
	m := secretMapper{fn: fn}
	v := m.copy(reflect.ValueOf(spec), "spec")
	if m.err != nil {
		return nil, m.err
	}
	out, _ := v.Interface().(Spec)
	return out, nil
}

type secretMapper struct {
	fn  func(string, Secret) (Secret, error)
	err error
}

// copy deep-copies v, mapping secrets. Unexported fields are copied
// shallowly (the model's specs have none that hold secrets).
func (m *secretMapper) copy(v reflect.Value, path string) reflect.Value {
	if m.err != nil {
		return v
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(m.copy(v.Elem(), path))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(m.copy(v.Elem(), path))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		t := v.Type()
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(m.copy(v.Field(i), fieldPath(path, t.Field(i))))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(m.copy(v.Index(i), fmt.Sprintf("%s[%d]", path, i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(m.copy(v.Index(i), fmt.Sprintf("%s[%d]", path, i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), m.copy(it.Value(), fmt.Sprintf("%s.%v", path, it.Key())))
		}
		return out
	case reflect.String:
		if v.Type() == secretType {
			s, err := m.fn(path, Secret(v.String()))
			if err != nil {
				m.err = err
				return v
			}
			return reflect.ValueOf(s)
		}
	}
	return v
}

// fieldPath extends path by f's JSON name; embedded structs add nothing.
func fieldPath(path string, f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		if f.Anonymous {
			return path
		}
		name = f.Name
	}
	return path + "." + name
}

package model

import "reflect"

// RedactedSecret replaces a secret's value where the caller may not see it.
const RedactedSecret Secret = "******"

var secretType = reflect.TypeFor[Secret]()

// RedactSecrets returns a deep copy of spec in which every non-empty Secret
// is RedactedSecret; spec itself is left alone. It walks the spec by
// reflection so that secrets added to any kind later are covered too.
func RedactSecrets(spec Spec) Spec {
	if spec == nil {
		return nil
	}
	out, _ := redactCopy(reflect.ValueOf(spec)).Interface().(Spec)
	return out
}

// redactCopy deep-copies v, redacting secrets. Unexported fields are copied
// shallowly (the model's specs have none that hold secrets).
func redactCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(redactCopy(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(redactCopy(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(redactCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(redactCopy(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(redactCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), redactCopy(it.Value()))
		}
		return out
	case reflect.String:
		if v.Type() == secretType && v.Len() > 0 {
			return reflect.ValueOf(RedactedSecret)
		}
	}
	return v
}

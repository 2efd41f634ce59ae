// Package httptoken compares HTTP tokens (RFC 9110 5.6.2) the way the
// protocol does: ASCII letters fold, nothing else does. strings.EqualFold
// also folds Unicode (the Kelvin sign matches "k"), which would let
// "chun\u212aed" pass for "chunked" in one place and not in another.
package httptoken

// EqualFold reports whether a and b are equal under ASCII case folding.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

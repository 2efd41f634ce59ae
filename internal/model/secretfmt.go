package model

import "fmt"

// fmt prints a nested pointer under a verb that does not fit it (%s, %q, %d)
// as "%!s(*T=&{...})" without calling String on T's fields, which would show
// a Secret in clear. The structs that hold secrets therefore format
// themselves, always through %v, where Secret.String is honoured.

type (
	databaseConnectionFields DatabaseConnection
	httpAuthFields           HTTPAuth
)

// Format prints the connection with its DSN redacted whatever the verb.
func (d DatabaseConnection) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, databaseConnectionFields(d))
}

// Format prints the authentication with its secrets redacted whatever the verb.
func (a HTTPAuth) Format(f fmt.State, verb rune) { formatRedacted(f, verb, httpAuthFields(a)) }

func formatRedacted(f fmt.State, verb rune, v any) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "%#v", v)
	case f.Flag('+'):
		fmt.Fprintf(f, "%+v", v)
	default:
		fmt.Fprintf(f, "%v", v)
	}
}

package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

// The verbs below are the same for every kind of named object the
// platform keeps whole (environments, plans, applications): only the
// client call, the printer and the words differ. Client methods are passed
// as method expressions, such as (*client.Client).GetPlan.

// printFunc prints objects in a format; single is true for one object
// asked for by name.
type printFunc[T any] func(w io.Writer, format string, items []T, single bool) error

// newNamedListCommand builds "list": every object, printed as a list.
func newNamedListCommand[T any](e *env, short string, all func(*client.Client, context.Context) ([]T, error), print printFunc[T]) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: short, Args: exactArgs()}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		items, err := all(c, cmd.Context())
		if err != nil {
			return err
		}
		return print(e.stdout, o.output, items, false)
	}
	return cmd
}

// newNamedGetCommand builds "get NAME": one object, printed in full.
func newNamedGetCommand[T any](e *env, short string, get func(*client.Client, context.Context, string) (*T, error), print printFunc[T]) *cobra.Command {
	cmd := &cobra.Command{Use: "get NAME", Short: short, Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		v, err := get(c, cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return print(e.stdout, o.output, []T{*v}, true)
	}
	return cmd
}

// newNamedDeleteCommand builds "delete ARG" for kind and says
// "kind/NAME deleted".
func newNamedDeleteCommand(e *env, kind, arg, short string, del func(*client.Client, context.Context, string) error) *cobra.Command {
	cmd := &cobra.Command{Use: "delete " + arg, Short: short, Args: exactArgs(arg)}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := del(c, cmd.Context(), args[0]); err != nil {
			return fmt.Errorf("delete %s %s: %w", kind, args[0], err)
		}
		fmt.Fprintf(e.stdout, "%s/%s deleted\n", kind, args[0])
		return nil
	}
	return cmd
}

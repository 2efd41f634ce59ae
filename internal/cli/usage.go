package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// usageError is a mistake in the command line (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// exactArgs wants exactly n arguments, described by names for the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("want %d argument(s) (%s), got %d", len(names), joinNames(names), len(args))
		}
		return nil
	}
}

// rangeArgs wants between min and max arguments.
func rangeArgs(lo, hi int, names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("want %d to %d argument(s) (%s), got %d", lo, hi, joinNames(names), len(args))
		}
		return nil
	}
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += " "
		}
		s += n
	}
	return s
}

// requireFlags reports the first of names left unset as a usage error;
// cobra's own MarkFlagRequired would exit 1.
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if f := cmd.Flags().Lookup(n); f != nil && !f.Changed && f.Value.String() == "" {
			return usagef("flag --%s is required", n)
		}
	}
	return nil
}

// groupCommand returns a command that only holds subcommands: unknown ones
// are usage errors rather than cobra's silent help.
func groupCommand(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:                        use,
		Short:                      short,
		Args:                       cobra.ArbitraryArgs,
		SuggestionsMinimumDistance: 2,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s needs a subcommand", cmd.CommandPath())
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", s[0])
			}
			return usagef("%s", msg)
		},
	}
}

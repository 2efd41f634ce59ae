// Package cli is the portico command line: the control plane (serve,
// quickstart) and the client verbs that talk to it over the platform API.
// Nothing here is global: Main builds a fresh command tree per call, so tests
// run it in-process with their own input, output and environment.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/model"
)

// Exit codes of the portico command.
const (
	ExitOK    = 0 // done
	ExitError = 1 // the command failed; the reason is on stderr
	ExitUsage = 2 // the command line itself is wrong
)

// env is what a command may touch of the outside world.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// Main runs the portico command line with args (without the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := newRootCommand(e)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return report(e, cmd, err)
}

// report prints err the way a user reads it and picks the exit code.
func report(e *env, cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		if cmd != nil {
			fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "error: interrupted")
		return ExitError
	}
	fmt.Fprintf(e.stderr, "error: %s\n", indentLines(err.Error()))
	if h := hint(err); h != "" {
		fmt.Fprintf(e.stderr, "hint: %s\n", h)
	}
	return ExitError
}

// hint suggests the next step for the failures a newcomer meets first.
func hint(err error) string {
	switch {
	case errors.Is(err, model.ErrUnauthenticated):
		return "sign in with `portico login --username admin`, or set PORTICO_TOKEN"
	case errors.Is(err, model.ErrForbidden):
		return "your role does not allow this; `portico get tokens` shows the role of your tokens"
	}
	return ""
}

// indentLines keeps multi-line errors (field lists, YAML excerpts) readable
// under the "error: " prefix.
func indentLines(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

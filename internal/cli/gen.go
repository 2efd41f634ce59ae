package cli

import (
	"github.com/spf13/cobra"
)

// newGenCommand groups the generators.
func newGenCommand(e *env) *cobra.Command {
	cmd := groupCommand("gen", "Generate components (an API over database tables)")
	cmd.AddCommand(newGenDBCommand(e))
	return cmd
}

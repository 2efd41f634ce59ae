package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCommand(e *env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this binary",
		Args:  exactArgs(),
	}
	cmd.Flags().StringVarP(&output, "output", "o", outText, "output format: text, json")
	cmd.RunE = func(*cobra.Command, []string) error {
		if err := checkOutput(output, []string{outText, outJSON}); err != nil {
			return err
		}
		v := buildInfo()
		if output == outJSON {
			return writeJSON(e.stdout, v)
		}
		fmt.Fprintf(e.stdout, "portico %s\ncommit: %s\ngo: %s\n", v.Version, v.Commit, v.GoVersion)
		return nil
	}
	return cmd
}

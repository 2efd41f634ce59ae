package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

func newPackageCommand(e *env) *cobra.Command {
	var version, notes, kind string
	cmd := &cobra.Command{
		Use:   "package NAME --version VERSION [--notes TEXT]",
		Short: "Release a root component (api, proxy or process) as a versioned package",
		Long: `Package pins the current revision of an api, proxy or process and of everything it
references under a version label. NAME is "api/erp", or a plain "erp" when only one root
kind has that name. A version is used once per component.`,
		Example: `  portico package erp --version 1.0.0 --notes "first release"
  portico package process/nightlySync --version 2026.11.1`,
		Args: exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&version, "version", "", "package version, e.g. 1.0.0 (required)")
	cmd.Flags().StringVar(&notes, "notes", "", "release notes")
	cmd.Flags().StringVar(&kind, "kind", "", "api, proxy or process, when NAME alone is ambiguous")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "version"); err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		ref, err := resolveRoot(cmd.Context(), c, args[0], kind)
		if err != nil {
			return err
		}
		p, err := c.CreatePackage(cmd.Context(), client.CreatePackageRequest{Component: ref, Version: version, Notes: notes})
		if err != nil {
			return fmt.Errorf("package %s@%s: %w", ref, version, err)
		}
		switch o.output {
		case outJSON:
			return writeJSON(e.stdout, p)
		case outYAML:
			return writeYAMLDocs(e.stdout, []any{p})
		}
		pinned := make([]string, len(p.Contents))
		for i, pr := range p.Contents {
			pinned[i] = fmt.Sprintf("%s/%s@%d", pr.Kind, pr.Name, pr.Revision)
		}
		fmt.Fprintf(e.stdout, "package %s@%s created (id %s)\n  pins %s\n", p.Component, p.Version, p.ID, strings.Join(pinned, ", "))
		return nil
	}
	return cmd
}

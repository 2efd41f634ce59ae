package cli

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

func newApplyCommand(e *env) *cobra.Command {
	var files []string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply -f FILE|DIR|- [-f ...]",
		Short: "Create or update components, environments and API users from YAML or JSON files",
		Long: `Apply reads YAML (or JSON) documents, one component, environment or API user
(kind: User) each, and saves them all in one transaction: either every document is applied
or none is. Content identical to the current revision makes no new revision ("unchanged").

-f takes a file, a directory (its .yaml, .yml and .json files, sorted by name, not
recursive) or - for stdin, and may be repeated.`,
		Example: `  portico apply -f examples/erp/
  portico get api erp -o yaml | portico apply -f -`,
		Args: exactArgs(),
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "file, directory or - (stdin); repeatable")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "validate and report what would change, save nothing")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		sources, err := readSources(files, e.stdin)
		if err != nil {
			return err
		}
		docs, err := decodeSources(sources)
		if err != nil {
			return err
		}
		if err := importOpenAPI(cmd.Context(), docs); err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		results, err := applyAll(cmd.Context(), c, docs, dryRun)
		if err != nil {
			return err
		}
		switch o.output {
		case outJSON:
			return writeJSON(e.stdout, map[string]any{"results": results, "dryRun": dryRun})
		case outYAML:
			return writeYAMLDocs(e.stdout, []any{map[string]any{"results": results, "dryRun": dryRun}})
		}
		printApplyResults(e, results, dryRun)
		return nil
	}
	return cmd
}

// applyRequest puts every document into one /apply call.
func applyRequest(docs []manifest.Document, dryRun bool) client.ApplyRequest {
	req := client.ApplyRequest{Components: []*model.Component{}, DryRun: dryRun}
	for _, d := range docs {
		if d.Plan != nil || d.Application != nil {
			continue // applied on their own: applyAll
		}
		if d.Environment != nil {
			req.Environments = append(req.Environments, d.Environment)
			continue
		}
		if d.User != nil {
			req.Users = append(req.Users, d.User)
			continue
		}
		req.Components = append(req.Components, d.Component)
	}
	return req
}

// printApplyResults writes one line per document: "api/erp created (revision 1)".
func printApplyResults(e *env, results []client.ApplyResult, dryRun bool) {
	suffix := ""
	if dryRun {
		suffix = " (dry run)"
	}
	for _, r := range results {
		line := r.Kind + "/" + r.Name + " " + r.Action
		if r.Kind != manifest.KindEnvironment && r.Kind != manifest.KindPlan && r.Kind != manifest.KindApplication && r.Kind != manifest.KindUser && r.Revision > 0 {
			line += fmt.Sprintf(" (revision %d)", r.Revision)
		}
		fmt.Fprintln(e.stdout, line+suffix)
	}
	if dryRun {
		fmt.Fprintln(e.stdout, "dry run: nothing was saved")
	}
}

// applyError says "nothing was saved" only where the control plane refuses
// before writing: bad input, sign-in and role. A conflict or an unavailable
// store may come after the components were written, so it says less.
func applyError(err error) error {
	var p *client.Problem
	if errors.As(err, &p) {
		switch p.Status {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
			http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			return fmt.Errorf("apply refused, nothing was saved: %w", err)
		}
	}
	return fmt.Errorf("apply: %w", err)
}

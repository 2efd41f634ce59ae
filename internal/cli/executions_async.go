package cli

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/spf13/cobra"
)

func newExecutionsResultCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "result ID",
		Short: "Print the kept result of an execution that answered 202: its body, or with --include its status and headers too",
		Example: `  portico executions result 0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b
  portico executions result 0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b --include`,
		Args: exactArgs("ID"),
	}
	include := cmd.Flags().BoolP("include", "i", false, "print the status line and the headers before the body, as curl -i does")
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		r, err := c.ExecutionResult(cmd.Context(), args[0])
		if err != nil {
			return fmt.Errorf("execution %s: %w", args[0], err)
		}
		w := e.stdout
		if *include {
			fmt.Fprintf(w, "HTTP %d %s\n", r.Status, http.StatusText(r.Status))
			keys := make([]string, 0, len(r.Header))
			for k := range r.Header {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if k == "Date" || k == "Cache-Control" {
					continue
				}
				for _, v := range r.Header[k] {
					fmt.Fprintf(w, "%s: %s\n", k, v)
				}
			}
			fmt.Fprintln(w)
		}
		_, err = w.Write(r.Body)
		return err
	}
	return cmd
}

func newExecutionsCancelCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "cancel ID",
		Short:   "Stop a running execution that answered 202; it ends ABORTED",
		Example: `  portico executions cancel 0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b`,
		Args:    exactArgs("ID"),
	}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.CancelExecution(cmd.Context(), args[0]); err != nil {
			return fmt.Errorf("execution %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "execution %s: cancel requested; it ends ABORTED within about a second\n", args[0])
		return nil
	}
	return cmd
}

package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newAppsCommand groups the application verbs: the consumers' programs
// that hold API keys and are subscribed to APIs under plans.
func newAppsCommand(e *env) *cobra.Command {
	cmd := groupCommand("apps", "Manage applications: API keys and subscriptions to APIs under plans")
	cmd.Aliases = []string{"app", "applications"}
	keys := groupCommand("keys", "Generate, list and revoke an application's API keys")
	keys.AddCommand(newAppsKeysCreateCommand(e), newAppsKeysListCommand(e), newAppsKeysRevokeCommand(e),
		newAppsKeysStatusCommand(e, "disable", "Disable an API key (refused with 403) without revoking it", model.StatusDisabled),
		newAppsKeysStatusCommand(e, "enable", "Enable a disabled API key", model.StatusActive))
	cmd.AddCommand(
		newAppsCreateCommand(e),
		newNamedListCommand(e, "List applications", (*client.Client).AllApplications, printApplications),
		newNamedGetCommand(e, "Show an application", (*client.Client).GetApplication, printApplications),
		newNamedDeleteCommand(e, "application", "NAME", "Delete an application with its keys and subscriptions", (*client.Client).DeleteApplication),
		newAppsStatusCommand(e, "disable", "Disable an application (its keys are refused with 403)", model.StatusDisabled),
		newAppsStatusCommand(e, "enable", "Enable a disabled application", model.StatusActive),
		keys,
		newAppsSubscribeCommand(e),
		newAppsUnsubscribeCommand(e),
	)
	return cmd
}

func newAppsCreateCommand(e *env) *cobra.Command {
	var owner, contact, description string
	cmd := &cobra.Command{
		Use:     "create NAME [--owner OWNER] [--contact EMAIL] [--description TEXT]",
		Short:   "Create an application",
		Example: `  portico apps create shop --owner acme --contact dev@acme.example`,
		Args:    exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&owner, "owner", "", "who owns it: free text or a consumer name")
	cmd.Flags().StringVar(&contact, "contact", "", "an email address")
	cmd.Flags().StringVar(&description, "description", "", "what the application is")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		a := &model.Application{Name: args[0], Description: description, Spec: model.ApplicationSpec{Owner: owner, Contact: contact}}
		if err := a.Validate(); err != nil {
			return &usageError{err: err}
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		saved, err := c.CreateApplication(cmd.Context(), a)
		if err != nil {
			return fmt.Errorf("create application %s: %w", a.Name, err)
		}
		if o.output != outText {
			return printApplications(e.stdout, o.output, []model.Application{*saved}, true)
		}
		fmt.Fprintf(e.stdout, "application/%s created; generate a key with: portico apps keys create %s\n", saved.Name, saved.Name)
		return nil
	}
	return cmd
}

// newAppsStatusCommand reads the application and puts it back with the
// new status; its keys and subscriptions stay.
func newAppsStatusCommand(e *env, verb, short string, status model.Status) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " NAME", Short: short, Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		a, err := c.GetApplication(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		a.Spec.Status, a.Keys = status, nil
		res, err := c.PutApplication(cmd.Context(), a, false)
		if err != nil {
			return fmt.Errorf("%s application %s: %w", verb, args[0], err)
		}
		fmt.Fprintf(e.stdout, "application/%s %sd (%s)\n", a.Name, verb, res.Action)
		return nil
	}
	return cmd
}

func newAppsKeysCreateCommand(e *env) *cobra.Command {
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "create APP [--expires 720h]",
		Short: "Generate an API key: it is shown this once",
		Example: `  portico apps keys create shop
  portico apps keys create shop --expires 2160h -o value`,
		Args: exactArgs("APP"),
	}
	cmd.Flags().DurationVar(&expires, "expires", 0, "lifetime, e.g. 720h (default: never expires)")
	o := addClientFlags(cmd, e, outText, "value", outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if expires < 0 {
			return usagef("--expires must be positive")
		}
		var req client.NewAPIKeyRequest
		if expires > 0 {
			at := time.Now().Add(expires).UTC()
			req.ExpiresAt = &at
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		k, err := c.CreateAPIKey(cmd.Context(), args[0], req)
		if err != nil {
			return fmt.Errorf("create a key for %s: %w", args[0], err)
		}
		switch o.output {
		case "value":
			fmt.Fprintln(e.stdout, k.Key)
			return nil
		case outJSON:
			return writeJSON(e.stdout, k)
		case outYAML:
			return writeYAMLDocs(e.stdout, []*client.NewAPIKey{k})
		}
		exp := "never expires"
		if k.ExpiresAt != nil {
			exp = "expires " + fmtTime(*k.ExpiresAt)
		}
		fmt.Fprintf(e.stdout, "API key created for application %s (id %s, %s)\n", args[0], k.ID, exp)
		fmt.Fprintf(e.stdout, "key: %s\n", k.Key)
		fmt.Fprintln(e.stdout, "This key is shown once; callers send it as X-API-Key.")
		return nil
	}
	return cmd
}

func newAppsKeysListCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "list APP", Short: "List an application's keys (prefixes only)", Args: exactArgs("APP")}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		ks, err := c.ListAPIKeys(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return printAPIKeys(e.stdout, o.output, ks)
	}
	return cmd
}

func newAppsKeysRevokeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "revoke APP ID", Short: "Revoke an API key", Args: exactArgs("APP", "ID")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.RevokeAPIKey(cmd.Context(), args[0], args[1]); err != nil {
			return fmt.Errorf("revoke key %s of %s: %w", args[1], args[0], err)
		}
		fmt.Fprintf(e.stdout, "key %s of application %s revoked\n", args[1], args[0])
		return nil
	}
	return cmd
}

func newAppsKeysStatusCommand(e *env, verb, short string, status model.Status) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " APP ID", Short: short, Args: exactArgs("APP", "ID")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if _, err := c.SetAPIKeyStatus(cmd.Context(), args[0], args[1], status); err != nil {
			return fmt.Errorf("%s key %s of %s: %w", verb, args[1], args[0], err)
		}
		fmt.Fprintf(e.stdout, "key %s of application %s %sd\n", args[1], args[0], verb)
		return nil
	}
	return cmd
}

func newAppsSubscribeCommand(e *env) *cobra.Command {
	var sub model.Subscription
	cmd := &cobra.Command{
		Use:     "subscribe APP --api API [--version V] --plan PLAN",
		Short:   "Subscribe an application to an API (every version, or one) under a plan",
		Example: `  portico apps subscribe shop --api erp --plan gold`,
		Args:    exactArgs("APP"),
	}
	cmd.Flags().StringVar(&sub.API, "api", "", "the API's name (required)")
	cmd.Flags().StringVar(&sub.Version, "version", "", "only this API version (default: every version)")
	cmd.Flags().StringVar(&sub.Plan, "plan", "", "the plan (required)")
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "api", "plan"); err != nil {
			return err
		}
		if err := sub.Validate(); err != nil {
			return &usageError{err: err}
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		res, err := c.Subscribe(cmd.Context(), args[0], sub)
		if err != nil {
			return fmt.Errorf("subscribe %s to %s: %w", args[0], sub.Target(), err)
		}
		fmt.Fprintf(e.stdout, "application/%s subscribed to %s under plan %s (%s)\n", args[0], sub.Target(), sub.Plan, res.Action)
		return nil
	}
	return cmd
}

func newAppsUnsubscribeCommand(e *env) *cobra.Command {
	var api, version string
	cmd := &cobra.Command{Use: "unsubscribe APP --api API [--version V]", Short: "End a subscription", Args: exactArgs("APP")}
	cmd.Flags().StringVar(&api, "api", "", "the API's name (required)")
	cmd.Flags().StringVar(&version, "version", "", "the subscription's API version, if it has one")
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "api"); err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.Unsubscribe(cmd.Context(), args[0], api, version); err != nil {
			return fmt.Errorf("unsubscribe %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "application/%s unsubscribed from %s\n", args[0], (&model.Subscription{API: api, Version: version}).Target())
		return nil
	}
	return cmd
}

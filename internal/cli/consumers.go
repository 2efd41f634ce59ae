package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// newConsumersCommand groups the API-user verbs: callers of the runtime's
// APIs, not platform users. It is `portico consumers` and, under the name
// "api", `portico users api`.
func newConsumersCommand(e *env, use string) *cobra.Command {
	cmd := groupCommand(use, "Manage API users (consumers): the callers of the runtime's APIs")
	if use == "consumers" {
		cmd.Aliases = []string{"consumer", "api-users"}
	}
	cmd.AddCommand(
		newConsumersListCommand(e),
		newConsumersGetCommand(e),
		newConsumersWriteCommand(e, true),
		newConsumersWriteCommand(e, false),
		newConsumersPasswdCommand(e),
		newConsumersTokenCommand(e),
		newConsumersRevokeCommand(e),
		newConsumersDeleteCommand(e),
	)
	return cmd
}

func newConsumersListCommand(e *env) *cobra.Command {
	var envName string
	cmd := &cobra.Command{Use: "list [--env ENV]", Short: "List API users (-o yaml: apply-able User documents)", Args: exactArgs()}
	cmd.Flags().StringVar(&envName, "env", "", "only the API users this environment knows")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		vs, err := c.AllConsumers(cmd.Context(), envName)
		if err != nil {
			return err
		}
		return printConsumers(e.stdout, o.output, vs, false)
	}
	return cmd
}

func newConsumersGetCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "get NAME", Short: "Show an API user (never a secret)", Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		v, err := c.GetConsumer(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return printConsumers(e.stdout, o.output, []model.ConsumerView{*v}, true)
	}
	return cmd
}

// consumerFlags are the settings create and set take.
type consumerFlags struct {
	description, externalName                        string
	envs, roles, apis, cidrs, fingerprints, subjects []string
	ipFilter, disabled, passwordStdin, askPassword   bool
	token, noPassword                                bool
}

func (f *consumerFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.description, "description", "", "what the API user is for")
	fs.StringSliceVar(&f.envs, "env", nil, "environments the user exists in (repeatable; none: all)")
	fs.StringSliceVar(&f.roles, "role", nil, "roles granted (repeatable)")
	fs.StringSliceVar(&f.apis, "api", nil, `APIs the user may call: "api" or "api/endpointName" (repeatable; none: all)`)
	fs.StringSliceVar(&f.cidrs, "allow-ip", nil, "addresses or CIDRs the user may call from (repeatable; switches the IP filter on)")
	fs.BoolVar(&f.ipFilter, "ip-filter", false, "switch the IP filter on (with no --allow-ip it blocks every address)")
	fs.StringSliceVar(&f.fingerprints, "cert-fingerprint", nil, "SHA-256 fingerprint (hex) of a client certificate (repeatable)")
	fs.StringSliceVar(&f.subjects, "cert-subject", nil, "subject DN of a client certificate (repeatable)")
	fs.StringVar(&f.externalName, "external-name", "", "the user id claim of JWTs from an external identity provider")
	fs.BoolVar(&f.disabled, "disabled", false, "refuse the user's calls")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "set a password read from stdin")
	fs.BoolVar(&f.askPassword, "password", false, "set a password, asked for on the terminal")
	fs.BoolVar(&f.token, "generate-token", false, "generate a token (API key) and print it this once")
}

// apply puts the flags that were given onto doc (all of them for a new user).
func (f *consumerFlags) apply(fs *pflag.FlagSet, doc *model.ConsumerDoc) {
	s := &doc.Spec
	set := func(name string) bool { return fs.Changed(name) }
	if set("description") {
		doc.Description = f.description
	}
	if set("env") {
		s.Environments = f.envs
	}
	if set("role") {
		s.Roles = f.roles
	}
	if set("api") {
		s.APIs = f.apis
	}
	if set("allow-ip") || set("ip-filter") {
		s.IPFilter = &model.IPFilter{Enabled: f.ipFilter || len(f.cidrs) > 0, CIDRs: f.cidrs}
	}
	if set("cert-fingerprint") || set("cert-subject") {
		s.Certificates = nil
		for _, fp := range f.fingerprints {
			s.Certificates = append(s.Certificates, model.ConsumerCertificate{Fingerprint: model.NormalizeFingerprint(fp)})
		}
		for _, sub := range f.subjects {
			s.Certificates = append(s.Certificates, model.ConsumerCertificate{Subject: sub})
		}
	}
	if set("external-name") {
		s.ExternalName = f.externalName
	}
	if set("disabled") {
		s.Disabled = f.disabled
	}
}

func newConsumersWriteCommand(e *env, create bool) *cobra.Command {
	f := &consumerFlags{}
	cmd := &cobra.Command{
		Use:   "create NAME [flags]",
		Short: "Create an API user",
		Example: `  portico consumers create erp-reader --env dev --role reader --api erp --generate-token
  echo "$PW" | portico consumers create partner --password-stdin --allow-ip 203.0.113.0/24`,
		Args: exactArgs("NAME"),
	}
	if !create {
		cmd.Use, cmd.Short = "set NAME [flags]", "Change an API user: only the settings given change"
		cmd.Example = `  portico consumers set erp-reader --api erp --api crm/listAccounts
  portico consumers set erp-reader --disabled`
	}
	f.add(cmd.Flags())
	if !create {
		cmd.Flags().BoolVar(&f.noPassword, "no-password", false, "take the password away")
	}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if f.passwordStdin && f.askPassword {
			return usagef("give --password or --password-stdin, not both")
		}
		if f.noPassword && (f.passwordStdin || f.askPassword) {
			return usagef("give a new password or --no-password, not both")
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		doc := &model.ConsumerDoc{Name: args[0]}
		if !create {
			cur, err := c.GetConsumer(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			doc = &cur.ConsumerDoc
		}
		f.apply(cmd.Flags(), doc)
		if f.passwordStdin || f.askPassword {
			pw, err := readPassword(e, "Password for API user "+args[0]+": ", f.passwordStdin, true)
			if err != nil {
				return err
			}
			doc.Spec.Password = &pw
		}
		var v *model.ConsumerView
		if create {
			v, err = c.CreateConsumer(cmd.Context(), doc, f.token)
		} else {
			v, err = c.PutConsumer(cmd.Context(), doc, client.PutOptions{GenerateToken: f.token, RemovePassword: f.noPassword})
		}
		if err != nil {
			return fmt.Errorf("write API user %s: %w", args[0], err)
		}
		if create {
			return printConsumerChange(e, o.output, v, "created")
		}
		return printConsumerChange(e, o.output, v, "updated")
	}
	return cmd
}

func newConsumersPasswdCommand(e *env) *cobra.Command {
	var passwordStdin bool
	cmd := &cobra.Command{Use: "passwd NAME [--password-stdin]", Short: "Set an API user's password", Args: exactArgs("NAME")}
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		cur, err := c.GetConsumer(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		pw, err := readPassword(e, "New password for API user "+args[0]+": ", passwordStdin, true)
		if err != nil {
			return err
		}
		cur.Spec.Password = &pw
		v, err := c.PutConsumer(cmd.Context(), &cur.ConsumerDoc, client.PutOptions{})
		if err != nil {
			return err
		}
		return printConsumerChange(e, o.output, v, "password set")
	}
	return cmd
}

func newConsumersTokenCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "token NAME", Short: "Generate a token (API key) for an API user, printed this once", Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		v, err := c.CreateConsumerToken(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return printConsumerChange(e, o.output, v, "has a new token")
	}
	return cmd
}

func newConsumersRevokeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "revoke-token NAME TOKEN-ID", Short: "Revoke an API user's token (ids: consumers get NAME)", Args: exactArgs("NAME", "TOKEN-ID")}
	o := addClientFlags(cmd, e, outText)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.DeleteConsumerToken(cmd.Context(), args[0], args[1]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "user/%s token %s revoked\n", args[0], args[1])
		return err
	}
	return cmd
}

func newConsumersDeleteCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "delete NAME", Short: "Delete an API user", Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e, outText)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.DeleteConsumer(cmd.Context(), args[0]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "user/%s deleted\n", args[0])
		return err
	}
	return cmd
}

// printConsumerChange reports a write; a generated token is printed once,
// on a line of its own, so that scripts can take it.
func printConsumerChange(e *env, format string, v *model.ConsumerView, what string) error {
	if format != outText {
		return printList(e.stdout, format, []model.ConsumerView{*v}, true)
	}
	fmt.Fprintf(e.stdout, "user/%s %s\n", v.Name, what)
	if v.Token != "" {
		fmt.Fprintf(e.stdout, "token (shown once, keep it now): %s\n", v.Token)
	}
	return nil
}

// printConsumers writes API users; -o yaml writes apply-able User documents.
func printConsumers(w io.Writer, format string, vs []model.ConsumerView, single bool) error {
	if format == outYAML {
		docs := make([][]byte, 0, len(vs))
		for i := range vs {
			b, err := manifest.EncodeUser(&vs[i])
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
		_, err := w.Write(manifest.Join(docs))
		return err
	}
	if format != outTable || len(vs) == 0 {
		return printList(w, format, vs, single)
	}
	t := newTable(w, "NAME", "ENVIRONMENTS", "ROLES", "APIS", "CREDENTIALS", "IP-FILTER", "DISABLED")
	for _, v := range vs {
		s := v.Spec
		envs := strings.Join(s.Environments, ",")
		if envs == "" {
			envs = "all"
		}
		apis := strings.Join(s.APIs, ",")
		if apis == "" {
			apis = "all"
		}
		ipf := "off"
		if s.IPFilter != nil && s.IPFilter.Enabled {
			ipf = strings.Join(s.IPFilter.CIDRs, ",")
			if ipf == "" {
				ipf = "block all"
			}
		}
		t.row(v.Name, envs, strings.Join(s.Roles, ","), truncate(apis, 40), consumerCredentials(v), truncate(ipf, 40), yesNo(s.Disabled))
	}
	return t.flush()
}

// credentials summarises how an API user can authenticate.
func consumerCredentials(v model.ConsumerView) string {
	var out []string
	if v.HasPassword {
		out = append(out, "password")
	}
	if n := len(v.Tokens); n > 0 {
		out = append(out, fmt.Sprintf("%d token(s): %s", n, strings.Join(v.Tokens, " ")))
	}
	if n := len(v.Spec.Certificates); n > 0 {
		out = append(out, fmt.Sprintf("%d cert(s)", n))
	}
	if v.Spec.ExternalName != "" {
		out = append(out, "jwt:"+v.Spec.ExternalName)
	}
	return strings.Join(out, ", ")
}

package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newPlansCommand groups the plan verbs: levels of service that
// applications subscribe to APIs under.
func newPlansCommand(e *env) *cobra.Command {
	cmd := groupCommand("plans", "Manage plans: rate limits, quotas and message sizes that applications subscribe under")
	cmd.Aliases = []string{"plan"}
	cmd.AddCommand(newPlansCreateCommand(e),
		newNamedListCommand(e, "List plans", (*client.Client).AllPlans, printPlans),
		newNamedGetCommand(e, "Show a plan", (*client.Client).GetPlan, printPlans),
		newNamedDeleteCommand(e, "plan", "NAME", "Delete a plan no subscription uses", (*client.Client).DeletePlan),
		newPlansStatusCommand(e, "disable", "Disable a plan: its subscriptions are refused with 403", model.StatusDisabled),
		newPlansStatusCommand(e, "enable", "Enable a disabled plan", model.StatusActive))
	return cmd
}

func newPlansCreateCommand(e *env) *cobra.Command {
	var (
		rate, quota, description string
		burst                    int
		maxSize                  int64
		keyless, disabled        bool
	)
	cmd := &cobra.Command{
		Use:   "create NAME [--rate N/second|minute|hour] [--quota N/day|week|month] [--max-message-size BYTES] [--keyless]",
		Short: "Create a plan",
		Example: `  portico plans create gold --rate 100/second --burst 200 --quota 1000000/month --max-message-size 1048576
  portico plans create public --rate 10/minute --keyless`,
		Args: exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&rate, "rate", "", "rate limit: N/second, N/minute or N/hour")
	cmd.Flags().IntVar(&burst, "burst", 0, "requests that may come at once (default: the rate)")
	cmd.Flags().StringVar(&quota, "quota", "", "quota: N/day, N/week or N/month (UTC windows)")
	cmd.Flags().Int64Var(&maxSize, "max-message-size", 0, "largest request body in bytes (0: no limit)")
	cmd.Flags().BoolVar(&keyless, "keyless", false, "callers without a key are admitted under this plan, counted by client IP")
	cmd.Flags().BoolVar(&disabled, "disabled", false, "create the plan disabled")
	cmd.Flags().StringVar(&description, "description", "", "what the plan is for")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		p := &model.Plan{Name: args[0], Description: description, Spec: model.PlanSpec{MaxMessageSize: maxSize, Keyless: keyless}}
		if disabled {
			p.Spec.Status = model.StatusDisabled
		}
		if rate != "" {
			n, per, err := perUnit("--rate", rate)
			if err != nil {
				return err
			}
			p.Spec.Rate = &model.PlanRate{Requests: int(n), Per: per, Burst: burst}
		} else if burst != 0 {
			return usagef("--burst needs --rate")
		}
		if quota != "" {
			n, per, err := perUnit("--quota", quota)
			if err != nil {
				return err
			}
			p.Spec.Quota = &model.PlanQuota{Requests: n, Per: per}
		}
		if err := p.Validate(); err != nil {
			return &usageError{err: err}
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		saved, err := c.CreatePlan(cmd.Context(), p)
		if err != nil {
			return fmt.Errorf("create plan %s: %w", p.Name, err)
		}
		if o.output != outText {
			return printPlans(e.stdout, o.output, []model.Plan{*saved}, true)
		}
		fmt.Fprintf(e.stdout, "plan/%s created (%s)\n", saved.Name, saved.Spec)
		return nil
	}
	return cmd
}

// perUnit reads "100/second".
func perUnit(flag, s string) (int64, string, error) {
	n, per, ok := strings.Cut(s, "/")
	v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	if !ok || err != nil || v <= 0 {
		return 0, "", usagef("%s %q: want N/UNIT, e.g. 100/second or 10000/month", flag, s)
	}
	return v, strings.TrimSpace(per), nil
}

// newPlansStatusCommand reads the plan and puts it back with the new status.
func newPlansStatusCommand(e *env, verb, short string, status model.Status) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " NAME", Short: short, Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		p, err := c.GetPlan(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		p.Spec.Status = status
		res, err := c.PutPlan(cmd.Context(), p, false)
		if err != nil {
			return fmt.Errorf("%s plan %s: %w", verb, args[0], err)
		}
		fmt.Fprintf(e.stdout, "plan/%s %sd (%s)\n", p.Name, verb, res.Action)
		return nil
	}
	return cmd
}

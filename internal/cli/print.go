package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// printList writes items as JSON (one object when single, else an array) or
// YAML documents; for a table it only says when there is nothing to show.
func printList[T any](w io.Writer, format string, items []T, single bool) error {
	switch format {
	case outJSON:
		if single && len(items) == 1 {
			return writeJSON(w, items[0])
		}
		if items == nil {
			items = []T{}
		}
		return writeJSON(w, items)
	case outYAML:
		return writeYAMLDocs(w, items)
	}
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "none")
		return err
	}
	return nil
}

// printComponents writes components; YAML is the apply-able form.
func printComponents(w io.Writer, format string, comps []model.Component, single bool) error {
	if format == outYAML {
		docs := make([][]byte, 0, len(comps))
		for i := range comps {
			b, err := manifest.EncodeComponent(&comps[i])
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
		_, err := w.Write(manifest.Join(docs))
		return err
	}
	if format != outTable || len(comps) == 0 {
		return printList(w, format, comps, single)
	}
	t := newTable(w, "KIND", "NAME", "REVISION", "UPDATED", "BY", "DESCRIPTION")
	for _, c := range comps {
		t.row(string(c.Kind), c.Name, strconv.Itoa(c.Revision), fmtTime(c.UpdatedAt), c.UpdatedBy, truncate(c.Description, 50))
	}
	return t.flush()
}

// printRevisions writes a component's revisions, newest first.
func printRevisions(w io.Writer, format string, revs []model.Component) error {
	if format != outTable || len(revs) == 0 {
		return printComponents(w, format, revs, false)
	}
	t := newTable(w, "KIND", "NAME", "REVISION", "HASH", "CREATED", "BY")
	for _, c := range revs {
		t.row(string(c.Kind), c.Name, strconv.Itoa(c.Revision), shortHash(c.Hash), fmtTime(c.UpdatedAt), c.UpdatedBy)
	}
	return t.flush()
}

// shortHash keeps enough of a content hash to tell revisions apart.
func shortHash(h string) string {
	const keep = len("sha256:") + 12
	if len(h) > keep {
		return h[:keep]
	}
	return h
}

// printEnvironments writes environments; YAML is the apply-able form.
func printEnvironments(w io.Writer, format string, envs []model.Environment, single bool) error {
	if format == outYAML {
		docs := make([][]byte, 0, len(envs))
		for i := range envs {
			b, err := manifest.EncodeEnvironment(&envs[i])
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
		_, err := w.Write(manifest.Join(docs))
		return err
	}
	if format != outTable || len(envs) == 0 {
		return printList(w, format, envs, single)
	}
	t := newTable(w, "NAME", "REVISION", "PUBLIC-URL", "UPDATED", "DESCRIPTION")
	for _, env := range envs {
		t.row(env.Name, strconv.FormatInt(env.Revision, 10), env.Spec.PublicURL, fmtTime(env.UpdatedAt), truncate(env.Description, 50))
	}
	return t.flush()
}

// printPackages writes packages, newest first.
func printPackages(w io.Writer, format string, ps []model.Package, single bool) error {
	if format != outTable || len(ps) == 0 {
		return printList(w, format, ps, single)
	}
	t := newTable(w, "COMPONENT", "VERSION", "REVISION", "API-VERSION", "CONTENTS", "CREATED", "BY", "ID")
	for _, p := range ps {
		t.row(p.Component.String(), p.Version, strconv.Itoa(p.Revision), p.APIVersion,
			strconv.Itoa(len(p.Contents)), fmtTime(p.CreatedAt), p.CreatedBy, p.ID)
	}
	return t.flush()
}

// printDeployments writes deployments or their history, newest first.
func printDeployments(w io.Writer, format string, ds []model.Deployment) error {
	if format != outTable || len(ds) == 0 {
		return printList(w, format, ds, false)
	}
	t := newTable(w, "ENVIRONMENT", "COMPONENT", "VERSION", "API-VERSION", "ACTION", "ACTIVE", "SNAPSHOT", "CREATED", "BY")
	for _, d := range ds {
		t.row(d.Environment, d.Component.String(), d.Version, d.APIVersion, d.Action, yesNo(d.Active),
			strconv.FormatInt(d.SnapshotRevision, 10), fmtTime(d.CreatedAt), d.CreatedBy)
	}
	return t.flush()
}

// printUsers writes platform users.
func printUsers(w io.Writer, format string, us []model.User, single bool) error {
	if format != outTable || len(us) == 0 {
		return printList(w, format, us, single)
	}
	t := newTable(w, "USERNAME", "ROLE", "DISABLED", "CREATED", "UPDATED")
	for _, u := range us {
		t.row(u.Username, string(u.Role), yesNo(u.Disabled), fmtTime(u.CreatedAt), fmtTime(u.UpdatedAt))
	}
	return t.flush()
}

// printTokens writes tokens (never their values, which the server does not keep).
func printTokens(w io.Writer, format string, ts []model.Token) error {
	if format != outTable || len(ts) == 0 {
		return printList(w, format, ts, false)
	}
	t := newTable(w, "ID", "NAME", "USERNAME", "ROLE", "SESSION", "EXPIRES", "LAST-USED", "CREATED")
	for _, tok := range ts {
		t.row(tok.ID, tok.Name, tok.Username, string(tok.Role), yesNo(tok.Session),
			fmtTimePtr(tok.ExpiresAt), fmtTimePtr(tok.LastUsedAt), fmtTime(tok.CreatedAt))
	}
	return t.flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

package execution

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// journal keeps, in a directory of the runtime's data, one file per
// detached execution whose final record the control plane does not hold
// yet: written when the execution is accepted, rewritten when it ends,
// removed once its final record is reported. What a crash leaves behind is
// reported at the next start, as ABORTED when it had not ended. An empty
// dir keeps nothing.
type journal struct{ dir string }

func newJournal(dir string) (journal, error) {
	if dir == "" {
		return journal{}, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return journal{}, fmt.Errorf("execution journal: %w", err)
	}
	return journal{dir: dir}, nil
}

// path returns the file of id; "" when ids of that shape are not journaled
// (anything but letters, digits and dashes could name another file).
func (j journal) path(id string) string {
	if j.dir == "" || id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return ""
	}
	return filepath.Join(j.dir, id+".json")
}

// put writes rec through a temporary file and a rename, so that a crash
// leaves the previous version or the new one, never half of one.
func (j journal) put(rec *model.Execution) error {
	p := j.path(rec.ID)
	if p == "" {
		return nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("execution journal: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("execution journal: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("execution journal: %w", err)
	}
	return nil
}

func (j journal) remove(id string) {
	if p := j.path(id); p != "" {
		_ = os.Remove(p)
	}
}

// left returns the records a previous run left behind; files that cannot
// be read are skipped and named in the error.
func (j journal) left() ([]*model.Execution, error) {
	if j.dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(j.dir)
	if err != nil {
		return nil, fmt.Errorf("execution journal: %w", err)
	}
	var (
		recs []*model.Execution
		errs []error
	)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(j.dir, name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var rec model.Execution
		if err := json.Unmarshal(b, &rec); err != nil || j.path(rec.ID) != filepath.Join(j.dir, name) {
			errs = append(errs, fmt.Errorf("execution journal: %s is not a record", name))
			continue
		}
		recs = append(recs, &rec)
	}
	return recs, errors.Join(errs...)
}

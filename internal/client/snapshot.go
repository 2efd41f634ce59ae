package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// revisionHeader carries the environment's revision on 200 and 304.
const revisionHeader = "X-Snapshot-Revision"

// Snapshot long-polls an environment's snapshot. It answers the snapshot when
// its revision is greater than after (after < 0: at once, whatever it is);
// otherwise the control plane waits up to wait (0: not at all; < 0: its
// default of 30 s) and Snapshot returns a nil snapshot. revision is the environment's current
// revision either way, so a caller sees when it went backwards (an
// environment deleted and created again). ctx must allow for wait.
func (c *Client) Snapshot(ctx context.Context, env string, after int64, wait time.Duration) (snap *model.Snapshot, revision int64, err error) {
	u, err := url.Parse(c.BaseURL() + "/api/v1/environments/" + seg(env) + "/snapshot")
	if err != nil {
		return nil, 0, fmt.Errorf("build request URL: %w", err)
	}
	q := url.Values{}
	if after >= 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	if wait >= 0 {
		q.Set("wait", wait.String())
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, ctxErr
		}
		return nil, 0, &NetworkError{URL: c.BaseURL(), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, ctxErr
		}
		return nil, 0, &NetworkError{URL: c.BaseURL(), Err: fmt.Errorf("read answer: %w", err)}
	}
	if resp.StatusCode >= 400 {
		return nil, 0, decodeProblem(resp, data)
	}
	revision, err = strconv.ParseInt(resp.Header.Get(revisionHeader), 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("snapshot of %s: the answer has no valid %s header; is %s a Portico control plane of the same version?",
			env, revisionHeader, c.BaseURL())
	}
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, revision, nil
	case http.StatusOK:
		snap = &model.Snapshot{}
		if err := json.Unmarshal(data, snap); err != nil {
			return nil, 0, fmt.Errorf("snapshot of %s: cannot decode the answer (%w); is %s a Portico control plane of the same version?",
				env, err, c.BaseURL())
		}
		return snap, revision, nil
	}
	return nil, 0, fmt.Errorf("snapshot of %s: unexpected answer %s", env, resp.Status)
}

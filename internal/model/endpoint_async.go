package model

import "net/url"

// EndpointAsync makes an endpoint asynchronous: it answers 202 with the
// execution id at once, runs the process detached from the request, and
// POSTs the result to Webhook, or to the request's X-Callback-Url, when
// done. The environment's executions settings decide which hosts may be
// called and sign the deliveries.
type EndpointAsync struct {
	// Webhook is where results are POSTed when the request names no
	// X-Callback-Url; none: results are only kept for polling.
	Webhook string `json:"webhook,omitempty"`
}

// validate adds the settings' errors under path.
func (a *EndpointAsync) validate(e *errs, path string) {
	if a == nil || a.Webhook == "" {
		return
	}
	if u, err := url.Parse(a.Webhook); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e.add(path+".webhook", "%q is not an absolute http(s) URL", a.Webhook)
	}
}

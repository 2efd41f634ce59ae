package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
)

// classify maps a failed upstream call to the gateway's status: 504 when a
// timeout fired, 502 otherwise. connectFailed reports that no connection
// could be opened, so nothing was sent and another target may be tried.
func classify(err error) (status int, connectFailed bool) {
	var op *net.OpError
	connectFailed = errors.As(err, &op) && op.Op == "dial"
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return http.StatusGatewayTimeout, connectFailed
	}
	return http.StatusBadGateway, connectFailed
}

// upstreamDetail says what went wrong without naming the upstream's
// address, which the caller has no business knowing.
func upstreamDetail(status int, err error) string {
	msg := err.Error()
	switch {
	case status == http.StatusGatewayTimeout:
		return "the upstream did not answer in time"
	case strings.Contains(msg, "connection refused"):
		return "the upstream refused the connection"
	case strings.Contains(msg, "exceeded") && strings.Contains(msg, "header"):
		return "the upstream's response headers are too large"
	case strings.Contains(msg, "dial"):
		return "the upstream could not be reached"
	}
	return "the upstream's answer could not be read"
}

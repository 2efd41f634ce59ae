package execution

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/portico-dev/portico/internal/model"
)

// ErrCallbackRefused says a callback URL is not allowed in the environment.
var ErrCallbackRefused = errors.New("callback refused")

// maxCallbackURL is the longest callback URL the outbox keeps.
const maxCallbackURL = 2048

// CallbackPolicy decides where webhooks may go: hosts matching one of the
// environment's patterns, and among their addresses only public ones unless
// private ones are allowed. It is checked twice: on the URL when the request
// names it (its client gets a 400), and on the address actually dialled,
// since a name may resolve elsewhere by the time of delivery.
type CallbackPolicy struct {
	hosts        []string
	allowPrivate bool
}

// NewCallbackPolicy reads an environment's settings; s may be nil (no host
// allowed).
func NewCallbackPolicy(s *model.ExecutionSettings) CallbackPolicy {
	if s == nil {
		return CallbackPolicy{}
	}
	hosts := make([]string, len(s.CallbackHosts))
	for i, h := range s.CallbackHosts {
		hosts[i] = strings.ToLower(strings.Trim(h, "[]"))
	}
	return CallbackPolicy{hosts: hosts, allowPrivate: s.AllowPrivateCallbacks}
}

// Check refuses a URL that is not absolute http(s), carries credentials,
// names a host no pattern allows, or names a private address literally
// while those are not allowed.
func (p CallbackPolicy) Check(raw string) error {
	if len(raw) > maxCallbackURL {
		return fmt.Errorf("%w: the URL is longer than %d bytes", ErrCallbackRefused, maxCallbackURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %q is not an absolute http(s) URL", ErrCallbackRefused, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%w: the URL carries credentials", ErrCallbackRefused)
	}
	host := strings.ToLower(u.Hostname())
	if !p.allowsHost(host) {
		return fmt.Errorf("%w: host %q is not among the environment's callbackHosts", ErrCallbackRefused, host)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.checkAddr(ip)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		if !p.allowPrivate {
			return fmt.Errorf("%w: %s is a loopback name and allowPrivateCallbacks is off", ErrCallbackRefused, host)
		}
	}
	return nil
}

func (p CallbackPolicy) allowsHost(host string) bool {
	for _, pat := range p.hosts {
		switch {
		case pat == "*":
			return true
		case strings.HasPrefix(pat, "*."):
			if strings.HasSuffix(host, pat[1:]) {
				return true
			}
		case pat == host:
			return true
		}
	}
	return false
}

// checkAddr refuses what is not a public unicast address, unless private
// addresses are allowed.
func (p CallbackPolicy) checkAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	if p.allowPrivate {
		if ip.IsUnspecified() || ip.IsMulticast() {
			return fmt.Errorf("%w: %s is not a unicast address", ErrCallbackRefused, ip)
		}
		return nil
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip) {
		return fmt.Errorf("%w: %s is a loopback, private or link-local address and allowPrivateCallbacks is off", ErrCallbackRefused, ip)
	}
	return nil
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), private
// in all but name.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

type policyKey struct{}

// withPolicy hands the policy to the dialer of one delivery.
func withPolicy(ctx context.Context, p CallbackPolicy) context.Context {
	return context.WithValue(ctx, policyKey{}, p)
}

// dialContext dials like net.Dialer but refuses, after name resolution and
// before connecting, an address the request's policy does not allow.
func dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	p, _ := ctx.Value(policyKey{}).(CallbackPolicy)
	d := net.Dialer{
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrCallbackRefused, address, err)
			}
			return p.checkAddr(ap.Addr())
		},
	}
	return d.DialContext(ctx, network, addr)
}

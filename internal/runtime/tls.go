package runtime

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// certCheckEvery bounds how often a handshake looks at the certificate files
// for a renewal: at most one stat per interval, whatever the traffic.
const certCheckEvery = 10 * time.Second

// newTLSConfig builds the TLS settings of a listener. The certificate is
// served through GetCertificate, so renewed files are picked up by the next
// handshakes without a restart or a snapshot.
func newTLSConfig(spec *model.ListenerTLS, address string, log *slog.Logger) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// HTTP/2 first when offered: net/http serves it with the same
		// handler, policies and header limit (MaxHeaderBytes becomes its
		// header list limit). WebSocket and other upgrades stay HTTP/1.1,
		// which clients fall back to.
		NextProtos: []string{"h2", "http/1.1"},
	}
	if !spec.OffersHTTP2() {
		cfg.NextProtos = []string{"http/1.1"}
	}
	if spec.MinVersion == "1.3" {
		cfg.MinVersion = tls.VersionTLS13
	}
	if len(spec.CipherSuites) > 0 {
		ids := map[string]uint16{}
		for _, s := range tls.CipherSuites() {
			ids[s.Name] = s.ID
		}
		for _, name := range spec.CipherSuites {
			id, ok := ids[name]
			if !ok {
				return nil, fmt.Errorf("cipher suite %s is not supported", name)
			}
			cfg.CipherSuites = append(cfg.CipherSuites, id)
		}
	}
	if spec.SelfSigned {
		cert, err := selfSigned(address)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{*cert}
	} else {
		rl, err := newCertReloader(spec.CertFile, spec.KeyFile, log)
		if err != nil {
			return nil, err
		}
		cfg.GetCertificate = rl.get
	}
	if spec.ClientCAFile != "" {
		pem, err := os.ReadFile(spec.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("client CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client CA file %s holds no PEM certificate", spec.ClientCAFile)
		}
		cfg.ClientCAs = pool
		// A certificate that is sent must verify (the handshake fails
		// otherwise); whether one is required is the authentication's
		// call, which answers 401 problem+json rather than a TLS alert.
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return cfg, nil
}

// certReloader serves a certificate from files, read again when they change.
type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger
	cur               atomic.Pointer[loadedCert]
	next              atomic.Int64 // unix nanoseconds of the next look at the files
}

type loadedCert struct {
	cert            *tls.Certificate
	certMod, keyMod time.Time
}

func newCertReloader(certFile, keyFile string, log *slog.Logger) (*certReloader, error) {
	rl := &certReloader{certFile: certFile, keyFile: keyFile, log: log}
	lc, err := rl.load()
	if err != nil {
		return nil, err
	}
	rl.cur.Store(lc)
	rl.next.Store(time.Now().Add(certCheckEvery).UnixNano())
	return rl, nil
}

func (rl *certReloader) load() (*loadedCert, error) {
	ci, err := os.Stat(rl.certFile)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	ki, err := os.Stat(rl.keyFile)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(rl.certFile, rl.keyFile)
	if err != nil {
		return nil, fmt.Errorf("certificate %s and key %s: %w", rl.certFile, rl.keyFile, err)
	}
	return &loadedCert{cert: &cert, certMod: ci.ModTime(), keyMod: ki.ModTime()}, nil
}

// get is the GetCertificate of the listener.
func (rl *certReloader) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	cur := rl.cur.Load()
	now := time.Now().UnixNano()
	n := rl.next.Load()
	if now < n || !rl.next.CompareAndSwap(n, now+int64(certCheckEvery)) {
		return cur.cert, nil
	}
	ci, err1 := os.Stat(rl.certFile)
	ki, err2 := os.Stat(rl.keyFile)
	if err1 != nil || err2 != nil || (ci.ModTime().Equal(cur.certMod) && ki.ModTime().Equal(cur.keyMod)) {
		return cur.cert, nil
	}
	lc, err := rl.load()
	if err != nil {
		// A half-written renewal: keep serving the old pair and look again.
		rl.log.Warn("cannot read the renewed certificate; serving the previous one", "cert", rl.certFile, "err", err)
		return cur.cert, nil
	}
	rl.cur.Store(lc)
	rl.log.Info("serving the renewed certificate", "cert", rl.certFile)
	return lc.cert, nil
}

// selfSigned makes a development certificate for localhost, the loopback
// addresses and the listener's host.
func selfSigned(address string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "portico development", Organization: []string{"Portico (self-signed)"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if host, _, err := net.SplitHostPort(address); err == nil && host != "" {
		if ip := net.ParseIP(host); ip != nil {
			if !ip.IsUnspecified() && !ip.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if host != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, host)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	if len(der) == 0 {
		return nil, errors.New("empty certificate")
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

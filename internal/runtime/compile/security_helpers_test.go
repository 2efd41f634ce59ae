package compile_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// pki is a CA with the certificates a test needs, written to files where a
// listener reads them.
type pki struct {
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caFile string
	pool   *x509.CertPool
}

func newPKI(t *testing.T, name string) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	p := &pki{dir: t.TempDir(), ca: ca, caKey: key, pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", der)
	return p
}

func (p *pki) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// issue signs a leaf: a server certificate for the loopback addresses, or a
// client certificate named cn.
func (p *pki) issue(t *testing.T, cn string, server bool, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Example"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{"localhost"}
		for i := 1; i < 16; i++ {
			tmpl.IPAddresses = append(tmpl.IPAddresses, net.IPv4(127, 0, 0, byte(i)))
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// serverFiles writes a server certificate and key and returns their paths.
func (p *pki) serverFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	c := p.issue(t, "portico test server", true, time.Now().Add(time.Hour))
	kder, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return p.write(t, "server.pem", "CERTIFICATE", c.Certificate[0]), p.write(t, "server.key", "PRIVATE KEY", kder)
}

func fingerprint(c tls.Certificate) string {
	sum := sha256.Sum256(c.Certificate[0])
	return hex.EncodeToString(sum[:])
}

// phc hashes a password as the platform stores it (argon2id), with small
// costs to keep the tests fast.
func phc(pw string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(pw), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// jwks is an identity provider's key endpoint whose keys the test rotates.
type jwks struct {
	srv     *httptest.Server
	mu      sync.Mutex
	keys    map[string]*rsa.PrivateKey
	fetches atomic.Int64
}

func newJWKS(t *testing.T) *jwks {
	t.Helper()
	j := &jwks{keys: map[string]*rsa.PrivateKey{}}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j.fetches.Add(1)
		j.mu.Lock()
		defer j.mu.Unlock()
		var keys []map[string]string
		for kid, k := range j.keys {
			keys = append(keys, map[string]string{
				"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
			})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	}))
	t.Cleanup(j.srv.Close)
	return j
}

// rotate makes kid the only published key and returns it.
func (j *jwks) rotate(t *testing.T, kid string) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys = map[string]*rsa.PrivateKey{kid: k}
	return k
}

// source serves the snapshot the test sets last.
type source struct {
	snap atomic.Pointer[model.Snapshot]
}

func (s *source) Poll(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
	for {
		cur := s.snap.Load()
		if cur.Revision > after {
			return cur, cur.Revision, nil
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startSecured runs a runtime with the real compiler on snap and waits for
// it to serve.
func startSecured(t *testing.T, snap *model.Snapshot) (*runtime.Runtime, *source) {
	t.Helper()
	comp, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := &source{}
	src.snap.Store(snap)
	rt, err := runtime.New(runtime.Config{Listen: "127.0.0.1:0", Env: snap.Environment, Source: src, Compiler: comp,
		RetryMin: 10 * time.Millisecond, ShutdownTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		comp.Close()
	})
	waitRevision(t, rt, snap.Revision)
	return rt, src
}

func waitRevision(t *testing.T, rt *runtime.Runtime, rev int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s := rt.Status()
		if s.Revision == rev {
			return
		}
		if s.FailedRevision == rev {
			t.Fatalf("revision %d failed: %s", rev, s.LastError)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("revision %d does not serve: %+v", rev, rt.Status())
}

// listenerAddr is the bound address of a declared listener.
func listenerAddr(t *testing.T, rt *runtime.Runtime, name string) string {
	t.Helper()
	for _, l := range rt.Status().Listeners {
		if l.Name == name {
			return l.Address
		}
	}
	t.Fatalf("no listener %s in %+v", name, rt.Status().Listeners)
	return ""
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   string
	proto  int // the HTTP major version the answer came in
}

func do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b), resp.ProtoMajor}
}

// h2Client is tlsClient offering HTTP/2 first, as browsers do.
func h2Client(roots *x509.CertPool, certs ...tls.Certificate) *http.Client {
	c := tlsClient(roots, certs...)
	c.Transport.(*http.Transport).ForceAttemptHTTP2 = true
	return c
}

func tlsClient(roots *x509.CertPool, certs ...tls.Certificate) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}}, Timeout: 20 * time.Second}
}

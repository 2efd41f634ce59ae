package runtime

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// writePair writes a fresh self-signed certificate and its key.
func writePair(t *testing.T, dir string, mod time.Time) (certFile, keyFile string, der []byte) {
	t.Helper()
	c, err := selfSigned("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	for path, b := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: c.Certificate[0]}, keyFile: {Type: "PRIVATE KEY", Bytes: kder}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile, c.Certificate[0]
}

func TestRenewedCertificateFilesAreServed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, first := writePair(t, dir, time.Now().Add(-time.Hour))
	rl, err := newCertReloader(certFile, keyFile, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	served := func() []byte {
		c, err := rl.get(&tls.ClientHelloInfo{})
		if err != nil {
			t.Fatal(err)
		}
		return c.Certificate[0]
	}
	if string(served()) != string(first) {
		t.Fatal("not the certificate of the files")
	}
	_, _, second := writePair(t, dir, time.Now())
	// Within the check interval the files are not looked at.
	if string(served()) != string(first) {
		t.Fatal("the files were read again within the check interval")
	}
	rl.next.Store(0) // the interval has passed
	if string(served()) != string(second) {
		t.Fatal("the renewed certificate is not served")
	}
	// A half-written renewal keeps the last good pair.
	if err := os.WriteFile(certFile, []byte("-----BEGIN CERTIFICATE-----\ntruncated"), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(certFile, time.Now().Add(time.Minute), time.Now().Add(time.Minute))
	rl.next.Store(0)
	if string(served()) != string(second) {
		t.Fatal("a broken renewal replaced the served certificate")
	}
}

func TestTLSSettings(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	cfg, err := newTLSConfig(&model.ListenerTLS{SelfSigned: true}, "api.example.com:8443", log)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.NoClientCert {
		t.Fatalf("defaults: min %x, client auth %v", cfg.MinVersion, cfg.ClientAuth)
	}
	leaf, _ := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err := leaf.VerifyHostname("api.example.com"); err != nil {
		t.Errorf("the self-signed certificate does not name the listener's host: %v", err)
	}
	cfg, err = newTLSConfig(&model.ListenerTLS{SelfSigned: true, MinVersion: "1.3", CipherSuites: []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}, ":0", log)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS13 || len(cfg.CipherSuites) != 1 || cfg.CipherSuites[0] != tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 {
		t.Fatalf("min %x, suites %v", cfg.MinVersion, cfg.CipherSuites)
	}
	if _, err := newTLSConfig(&model.ListenerTLS{SelfSigned: true, ClientCAFile: filepath.Join(t.TempDir(), "none.pem")}, ":0", log); err == nil {
		t.Fatal("a missing client CA file was accepted")
	}
}

package execution

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSignerMatchesTheStandardWebhooksVector signs the example of the
// Standard Webhooks specification and gets its published signature.
func TestSignerMatchesTheStandardWebhooksVector(t *testing.T) {
	t.Parallel()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(key)
	got := s.Signature("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
	h := http.Header{}
	s.Sign(h, "msg_1", time.Unix(1614265330, 0), []byte("{}"))
	if h.Get("webhook-id") != "msg_1" || h.Get("webhook-timestamp") != "1614265330" || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") {
		t.Errorf("headers = %v", h)
	}
	h = http.Header{}
	NewSigner(nil).Sign(h, "msg_1", time.Unix(1, 0), nil)
	if h.Get("webhook-signature") != "" || h.Get("webhook-id") != "msg_1" {
		t.Errorf("without a key: %v", h)
	}
}

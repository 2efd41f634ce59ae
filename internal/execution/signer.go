package execution

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// The headers of a Standard Webhooks message.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// Signer signs webhook messages the Standard Webhooks way: the signature is
// "v1," and the base64 of HMAC-SHA256(key, id + "." + timestamp + "." + body),
// so that a receiver checks both the origin and the freshness (the
// timestamp) of what it receives.
type Signer struct {
	key []byte
}

// NewSigner signs with key, the decoded part of a "whsec_" secret; a nil
// key signs nothing.
func NewSigner(key []byte) Signer { return Signer{key: key} }

// Signature returns the header value for one message.
func (s Signer) Signature(id string, ts time.Time, body []byte) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Sign sets the three headers on h; without a key only the id and the
// timestamp.
func (s Signer) Sign(h http.Header, id string, ts time.Time, body []byte) {
	h.Set(HeaderWebhookID, id)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	if len(s.key) > 0 {
		h.Set(HeaderWebhookSignature, s.Signature(id, ts, body))
	}
}

// Package execution runs what outlives a request and delivers what it
// leaves behind.
//
// On the runtime side, a Dispatcher detaches executions from their request
// (X-Max-Wait answered 202, async endpoints): it gives them a context that
// only a cancel request or the runtime's shutdown ends, journals them in the
// data directory until the control plane holds their final record, and polls
// the control plane for cancel requests.
//
// On the control-plane side, SaveOutcomes keeps the results of reported
// executions and queues their webhooks in the store's outbox, and a
// Deliverer POSTs them, signed the Standard Webhooks way (Signer), retried
// with exponential backoff and jitter, only to the hosts a CallbackPolicy
// allows.
package execution

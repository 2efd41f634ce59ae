//go:build !linux

package cli

import (
	"errors"
	"os"
)

// isTerminal is false where the CLI cannot hide typed input; such systems
// use --password-stdin.
func isTerminal(*os.File) bool { return false }

// echoOff is unsupported here.
func echoOff(*os.File) (func(), error) {
	return nil, errors.New("hiding input is not supported on this system")
}

package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// errNoTerminal says a password was needed but nobody can be asked.
var errNoTerminal = errors.New("stdin is not a terminal, so the password cannot be asked for; pipe it in with --password-stdin")

// readPassword gets a password from stdin (fromStdin: all of it, without
// the final newline) or by asking on the terminal without echo; confirm asks
// twice.
func readPassword(e *env, prompt string, fromStdin, confirm bool) (string, error) {
	if fromStdin {
		b, err := io.ReadAll(io.LimitReader(e.stdin, 4096))
		if err != nil {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(string(b), "\r\n")
		if pw == "" {
			return "", errors.New("the password read from stdin is empty")
		}
		return pw, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", errNoTerminal
	}
	pw, err := askHidden(e, f, prompt)
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", errors.New("empty password")
	}
	if confirm {
		again, err := askHidden(e, f, "Repeat the password: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", errors.New("the two passwords differ")
		}
	}
	return pw, nil
}

// askHidden prompts on stderr and reads one line with the echo off.
func askHidden(e *env, f *os.File, prompt string) (string, error) {
	fmt.Fprint(e.stderr, prompt)
	restore, err := echoOff(f)
	if err != nil {
		return "", fmt.Errorf("turn off the terminal echo: %w", err)
	}
	line, readErr := bufio.NewReader(f).ReadString('\n')
	restore()
	fmt.Fprintln(e.stderr)
	if readErr != nil && !(errors.Is(readErr, io.EOF) && line != "") {
		return "", fmt.Errorf("read password: %w", readErr)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

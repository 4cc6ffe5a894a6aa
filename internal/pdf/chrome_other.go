//go:build !linux

package pdf

import "os/exec"

// unprivileged finds no account off Linux: the browser runs as this process's
// user, sandboxed where it can be.
func unprivileged() *Account { return nil }

// setProcAttr keeps chromedp's defaults off Linux.
func setProcAttr(*exec.Cmd, *Account) {}

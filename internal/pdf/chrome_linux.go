package pdf

import (
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// unprivileged is the account a root process runs the browser as: nobody, when
// the system has it.
func unprivileged() *Account {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil || uid == 0 {
		return nil
	}
	return &Account{Name: u.Username, UID: uint32(uid), GID: uint32(gid)}
}

// setProcAttr makes the browser die with this process (as chromedp's default
// does) and, given an account, run as it with no supplementary groups.
func setProcAttr(cmd *exec.Cmd, a *Account) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if a != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: a.UID, Gid: a.GID, Groups: []uint32{}}
	}
}

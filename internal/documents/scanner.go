package documents

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Scanner looks for malware in content that has passed every other check.
type Scanner interface {
	// Scan returns the name of the threat found in r, or "" when r is clean.
	// An error means the scan could not be done; the upload is then refused
	// as a failure, not as a rejection.
	Scan(ctx context.Context, r io.Reader) (threat string, err error)
}

// Clamd is a Scanner that sends content to a ClamAV daemon over TCP with the
// INSTREAM command.
type Clamd struct {
	// Addr is the daemon's host:port.
	Addr string
	// Timeout bounds one scan when ctx has no earlier deadline (default 60s).
	Timeout time.Duration
}

// clamdChunk is the size of each INSTREAM chunk; clamd's StreamMaxLength
// still bounds the total.
const clamdChunk = 64 << 10

// Scan streams r to clamd and reads its verdict.
func (c Clamd) Scan(ctx context.Context, r io.Reader) (string, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return "", fmt.Errorf("clamd: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := io.WriteString(conn, "zINSTREAM\x00"); err != nil {
		return "", fmt.Errorf("clamd: %w", err)
	}
	buf := make([]byte, 4+clamdChunk)
	for {
		n, rerr := io.ReadFull(r, buf[4:])
		if n > 0 {
			binary.BigEndian.PutUint32(buf[:4], uint32(n))
			if _, err := conn.Write(buf[:4+n]); err != nil {
				return "", fmt.Errorf("clamd: send: %w", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", fmt.Errorf("clamd: read: %w", rerr)
		}
	}
	if _, err := conn.Write([]byte{0, 0, 0, 0}); err != nil {
		return "", fmt.Errorf("clamd: send: %w", err)
	}
	reply, err := io.ReadAll(io.LimitReader(conn, 4096))
	if err != nil {
		return "", fmt.Errorf("clamd: reply: %w", err)
	}
	return parseClamdReply(string(bytes.TrimRight(reply, "\x00\n")))
}

// parseClamdReply reads "stream: OK", "stream: <name> FOUND" or an error.
func parseClamdReply(reply string) (string, error) {
	body, ok := strings.CutPrefix(reply, "stream: ")
	switch {
	case ok && body == "OK":
		return "", nil
	case ok && strings.HasSuffix(body, " FOUND"):
		return strings.TrimSuffix(body, " FOUND"), nil
	case reply == "":
		return "", errors.New("clamd: empty reply")
	}
	return "", fmt.Errorf("clamd: %s", reply)
}

package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"time"
)

// session is one client connection.
type session struct {
	srv      *Server
	conn     net.Conn
	r        *bufio.Reader
	w        *bufio.Writer
	tls      bool
	helo     string
	authUser string
	from     string
	hasFrom  bool
	to       []string
}

func newSession(s *Server, c net.Conn) *session {
	return &session{srv: s, conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
}

func (s *session) reply(code int, lines ...string) {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(s.w, "%d%s%s\r\n", code, sep, l)
	}
	s.w.Flush()
}

// readLine reads one CRLF-terminated line without its line end.
func (s *session) readLine() (string, error) {
	_ = s.conn.SetReadDeadline(time.Now().Add(time.Minute))
	line, err := s.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) > 4096 {
		return "", fmt.Errorf("line too long")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (s *session) reset() { s.from, s.hasFrom, s.to = "", false, nil }

func (s *session) serve() {
	defer s.conn.Close()
	s.reply(220, "127.0.0.1 smtptest ESMTP ready")
	for {
		line, err := s.readLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			s.helo = arg
			s.reset()
			ext := []string{"127.0.0.1 greets " + arg, "8BITMIME", fmt.Sprintf("SIZE %d", s.srv.opt.MaxSize)}
			if !s.tls && !s.srv.opt.NoSTARTTLS {
				ext = append(ext, "STARTTLS")
			}
			if s.srv.opt.Username != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			s.reply(250, ext...)
		case "HELO":
			s.helo = arg
			s.reset()
			s.reply(250, "127.0.0.1")
		case "STARTTLS":
			if s.tls || s.srv.opt.NoSTARTTLS {
				s.reply(502, "STARTTLS not available")
				continue
			}
			s.reply(220, "go ahead")
			tc := tls.Server(s.conn, s.srv.tlsConf)
			_ = tc.SetDeadline(time.Now().Add(time.Minute))
			if err := tc.Handshake(); err != nil {
				return
			}
			// RFC 3207: forget everything learnt before the handshake.
			s.conn, s.tls, s.helo, s.authUser = tc, true, "", ""
			s.r, s.w = bufio.NewReader(tc), bufio.NewWriter(tc)
			s.reset()
		case "AUTH":
			s.auth(arg)
		case "MAIL":
			s.mail(arg)
		case "RCPT":
			s.rcpt(arg)
		case "DATA":
			if !s.data() {
				return
			}
		case "RSET":
			s.reset()
			s.reply(250, "reset")
		case "NOOP":
			s.reply(250, "ok")
		case "QUIT":
			s.reply(221, "bye")
			return
		default:
			s.reply(502, "command not implemented")
		}
	}
}

func (s *session) auth(arg string) {
	mech, initial, _ := strings.Cut(arg, " ")
	switch {
	case s.srv.opt.Username == "":
		s.reply(502, "AUTH not available")
		return
	case s.authUser != "":
		s.reply(503, "already authenticated")
		return
	case !strings.EqualFold(mech, "PLAIN"):
		s.reply(504, "only PLAIN is supported")
		return
	}
	if initial == "" {
		s.reply(334, "")
		line, err := s.readLine()
		if err != nil {
			return
		}
		initial = line
	}
	raw, err := base64.StdEncoding.DecodeString(initial)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 {
		s.reply(501, "malformed AUTH PLAIN")
		return
	}
	if parts[1] != s.srv.opt.Username || parts[2] != s.srv.opt.Password {
		s.reply(535, "authentication failed")
		return
	}
	s.authUser = parts[1]
	s.reply(235, "authenticated")
}

// pathArg extracts the address from "FROM:<a@b> PARAMS" or "TO:<a@b>".
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (s *session) mail(arg string) {
	switch {
	case s.helo == "":
		s.reply(503, "say EHLO first")
	case s.srv.opt.RequireTLS && !s.tls:
		s.reply(530, "must issue STARTTLS first")
	case s.srv.opt.Username != "" && s.authUser == "":
		s.reply(530, "authentication required")
	case s.hasFrom:
		s.reply(503, "nested MAIL")
	default:
		from, ok := pathArg(arg, "FROM:")
		if !ok {
			s.reply(501, "syntax: MAIL FROM:<address>")
			return
		}
		s.from, s.hasFrom = from, true
		s.reply(250, "sender ok")
	}
}

func (s *session) rcpt(arg string) {
	if !s.hasFrom {
		s.reply(503, "need MAIL first")
		return
	}
	to, ok := pathArg(arg, "TO:")
	if !ok || to == "" {
		s.reply(501, "syntax: RCPT TO:<address>")
		return
	}
	s.to = append(s.to, to)
	s.reply(250, "recipient ok")
}

// data reads the message up to the lone "." line, undoing dot-stuffing. It returns
// false when the connection broke.
func (s *session) data() bool {
	if !s.hasFrom || len(s.to) == 0 {
		s.reply(503, "need MAIL and RCPT first")
		return true
	}
	s.reply(354, "end data with <CR><LF>.<CR><LF>")
	var buf bytes.Buffer
	tooBig := false
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(time.Minute))
		line, err := s.r.ReadString('\n')
		if err != nil {
			return false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "." {
			break
		}
		line = strings.TrimPrefix(line, ".") // a leading dot was doubled by the client
		if buf.Len()+len(line)+2 > s.srv.opt.MaxSize {
			tooBig = true
			continue
		}
		buf.WriteString(line)
		buf.WriteString("\r\n")
	}
	if tooBig {
		s.reply(552, "message too large")
		s.reset()
		return true
	}
	s.srv.deliver(Message{From: s.from, To: s.to, Data: buf.Bytes(), TLS: s.tls,
		AuthUser: s.authUser, Helo: s.helo})
	s.reset()
	s.reply(250, "queued")
	return true
}

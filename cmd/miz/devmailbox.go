package main

import (
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// devMailbox makes a demo without an SMTP relay or SMS gateway deliver into the dev
// mailbox (/dev/outbox, issue 14) instead of failing every message into a dead job;
// it returns nil, and leaves the sender alone, outside demo mode or when both
// gateways are configured.
func devMailbox(cfg Config, db *store.DB, sender *notify.Sender) *notify.DevMailbox {
	if !cfg.Demo || (sender.Mail != nil && sender.SMS != nil) {
		return nil
	}
	dev := &notify.DevMailbox{DB: db}
	if sender.Mail == nil {
		sender.Mail = dev
	}
	if sender.SMS == nil {
		sender.SMS = dev.SMS()
	}
	return dev
}

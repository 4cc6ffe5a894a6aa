package documents

import "sync"

// poolBuffer is the size of the buffers an upload is copied, scanned and checked
// through: a spool write (spoolBuffer) or a ZIP reader's tail window (64 KiB + 22).
const poolBuffer = 1<<16 + 22

// buffers keeps the buffers of finished uploads for the next ones. An upload used to
// allocate four of 32–64 KiB (the spool's 64 KiB writer, two io.Copy buffers of
// 32 KiB, the 64 KiB tail window), more than half of what the intake allocated and so
// of the collector's work (issue 18).
var buffers = sync.Pool{New: func() any {
	b := make([]byte, poolBuffer)
	return &b
}}

// buffer returns a pooled buffer of poolBuffer bytes and the function that gives it
// back; nothing may keep a slice of it after that.
func buffer() ([]byte, func()) {
	p := buffers.Get().(*[]byte)
	return *p, func() { buffers.Put(p) }
}

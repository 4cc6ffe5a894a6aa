package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/itoir/miz/internal/problem"
)

// ChromePDF prints pages to PDF with a headless Chromium driven over the DevTools
// protocol. The browser starts on the first request, is shared by later ones (at
// most Concurrency tabs at once) and is stopped by Close. Chromium shapes the
// Persian text with HarfBuzz and embeds Vazirmatn with a ToUnicode map, so the
// PDF's text extracts as proper Persian.
type ChromePDF struct {
	// Exec is the browser binary; "" looks for chromium on PATH, then
	// /usr/bin/chromium.
	Exec string
	// Timeout bounds one rendering, including the browser's start; 0 means 30 s.
	Timeout time.Duration

	slots chan struct{}

	mu      sync.Mutex
	browser context.Context // nil until started, and again after a crash
	stop    func()
	dir     string
}

// NewChromePDF returns a renderer allowing concurrency renderings at once.
func NewChromePDF(execPath string, concurrency int) *ChromePDF {
	return &ChromePDF{Exec: execPath, slots: make(chan struct{}, max(1, concurrency))}
}

// findChromium resolves the browser binary, or answers Unavailable when there is
// none, so the API says PDFs cannot be made rather than failing obscurely.
func (c *ChromePDF) findChromium() (string, error) {
	names := []string{c.Exec}
	if c.Exec == "" {
		names = []string{"chromium", "/usr/bin/chromium"}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", problem.New(problem.Unavailable, "certify.error.pdf_unavailable")
}

// start launches the browser unless it runs already; c.mu is held.
func (c *ChromePDF) start() (context.Context, error) {
	if c.browser != nil && c.browser.Err() == nil {
		return c.browser, nil
	}
	c.closeLocked()
	bin, err := c.findChromium()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "miz-chromium-")
	if err != nil {
		return nil, fmt.Errorf("web: pdf: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(dir),
		// It only ever loads this server's own pages, which may use a self-signed
		// certificate on the loopback address.
		chromedp.IgnoreCertErrors)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first action on browser starts chromium, bound to this very context (a
	// derived one with a deadline would stop it again); chromedp bounds the start.
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("web: pdf: start %s: %w", bin, err)
	}
	c.browser, c.dir = browser, dir
	c.stop = func() { cancelBrowser(); cancelAlloc() }
	return browser, nil
}

func (c *ChromePDF) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// RenderPDF loads pageURL in a new tab, waits for its fonts and prints it on the
// page size its stylesheet asks for (A4).
func (c *ChromePDF) RenderPDF(ctx context.Context, pageURL string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("web: pdf: wait for a tab: %w", ctx.Err())
	}
	c.mu.Lock()
	browser, err := c.start()
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	tab, closeTab := chromedp.NewContext(browser)
	defer closeTab()
	tab, cancelTab := context.WithTimeout(tab, c.timeout())
	defer cancelTab()
	defer context.AfterFunc(ctx, cancelTab)()
	pdf, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
			return nil, err
		}
		// The load event may come before Vazirmatn is decoded; print only after.
		if _, err := chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t); err != nil {
			return nil, err
		}
		return chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFPrintBackground(), chromedp.PDFMargin(0))(ctx, t)
	})
	if err != nil {
		if browser.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			c.mu.Lock()
			if c.browser == browser {
				c.closeLocked() // start afresh on the next request
			}
			c.mu.Unlock()
		}
		return nil, fmt.Errorf("web: pdf: print %s: %w", pageURL, err)
	}
	return pdf, nil
}

// Close stops the browser and removes its profile directory.
func (c *ChromePDF) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeLocked()
}

func (c *ChromePDF) closeLocked() error {
	if c.stop != nil {
		c.stop()
	}
	var err error
	if c.dir != "" {
		err = os.RemoveAll(c.dir)
	}
	c.browser, c.stop, c.dir = nil, nil, ""
	return err
}

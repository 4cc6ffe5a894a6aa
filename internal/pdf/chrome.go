package pdf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/itoir/miz/internal/problem"
)

// Chrome prints pages to PDF with a headless Chromium driven over the DevTools
// protocol. The browser starts on the first request, is shared by later ones (at
// most Concurrency tabs at once) and is stopped by Close. Chromium shapes the
// Persian text with HarfBuzz and embeds Vazirmatn with a ToUnicode map, so the
// PDF's text extracts as proper Persian.
//
// The browser runs with its sandbox and never as root where the platform allows:
// a root process starts it as the user nobody; only when that cannot start does it
// fall back to --no-sandbox, and says so once in the log (issue 11 item 7).
type Chrome struct {
	// Exec is the browser binary; "" looks for chromium on PATH, then
	// /usr/bin/chromium.
	Exec string
	// Timeout bounds one rendering, including the browser's start; 0 means 30 s.
	Timeout time.Duration
	// Log receives the one warning about a fallback; nil discards it.
	Log *slog.Logger

	// started, when set (by tests), hears of each browser started: how, and its
	// profile directory.
	started func(l Launch, dir string)

	slots chan struct{}

	mu      sync.Mutex
	browser context.Context // nil until started, and again after a crash
	stop    func()
	dir     string
	rung    int  // the first launch of the ladder that may still work
	warned  bool // the fallback was logged
}

// NewChrome returns a renderer allowing concurrency renderings at once.
func NewChrome(execPath string, concurrency int, log *slog.Logger) *Chrome {
	return &Chrome{Exec: execPath, Log: log, slots: make(chan struct{}, max(1, concurrency))}
}

// Launch is one way of starting the browser: as which user, with or without its
// sandbox.
type Launch struct {
	User    *Account // nil runs it as this process's user
	Sandbox bool
}

// Account is a user the browser may run as.
type Account struct {
	Name     string
	UID, GID uint32
}

func (l Launch) String() string {
	who := "this process's user"
	if l.User != nil {
		who = "user " + l.User.Name
	}
	if l.Sandbox {
		return who + " with the sandbox"
	}
	return who + " with --no-sandbox"
}

// ladder lists the launches to try, safest first: as root, the browser runs as
// nobody (sandboxed, else not), and as root with --no-sandbox only when nobody
// cannot run it at all.
func ladder() []Launch {
	if os.Getuid() != 0 {
		return []Launch{{Sandbox: true}, {}}
	}
	var out []Launch
	if a := unprivileged(); a != nil {
		out = append(out, Launch{User: a, Sandbox: true}, Launch{User: a})
	}
	return append(out, Launch{})
}

// findChromium resolves the browser binary, or answers Unavailable when there is
// none, so the API says PDFs cannot be made rather than failing obscurely.
func (c *Chrome) findChromium() (string, error) {
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

// start launches the browser unless it runs already, walking down the ladder
// from the last launch that worked; c.mu is held.
func (c *Chrome) start() (context.Context, error) {
	if c.browser != nil && c.browser.Err() == nil {
		return c.browser, nil
	}
	c.closeLocked()
	bin, err := c.findChromium()
	if err != nil {
		return nil, err
	}
	steps := ladder()
	var failed []string
	for i := min(c.rung, len(steps)-1); i < len(steps); i++ {
		err = c.launch(bin, steps[i])
		if err == nil {
			c.rung = i
			if (len(failed) > 0 || !steps[i].Sandbox) && !c.warned {
				c.warned = true
				why := strings.Join(failed, "; ")
				if why == "" {
					why = "no unprivileged account (nobody) to run it as"
				}
				c.logger().Warn("pdf: chromium runs with less isolation than it should", "now", steps[i].String(), "why", why)
			}
			return c.browser, nil
		}
		failed = append(failed, steps[i].String()+": "+err.Error())
	}
	return nil, fmt.Errorf("pdf: start %s: %s", bin, strings.Join(failed, "; "))
}

// launch starts one browser the way l says; c.mu is held.
func (c *Chrome) launch(bin string, l Launch) error {
	dir, err := os.MkdirTemp("", "miz-chromium-")
	if err != nil {
		return err
	}
	if l.User != nil {
		// Its own profile and HOME, which only it (and root) can enter.
		if err := os.Chown(dir, int(l.User.UID), int(l.User.GID)); err != nil {
			_ = os.RemoveAll(dir)
			return err
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		// Set either way: chromedp adds --no-sandbox by itself when we are root.
		chromedp.Flag("no-sandbox", !l.Sandbox),
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(dir),
		// It only ever loads this server's own pages, which may use a self-signed
		// certificate on the loopback address.
		chromedp.IgnoreCertErrors,
		// The server's environment holds its secrets; the browser gets none of it.
		chromedp.NoInheritEnv, chromedp.Env(browserEnv(dir)...),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) { setProcAttr(cmd, l.User) }))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first action on browser starts chromium, bound to this very context (a
	// derived one with a deadline would stop it again); chromedp bounds the start.
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
		return err
	}
	c.browser, c.dir = browser, dir
	c.stop = func() { cancelBrowser(); cancelAlloc() }
	if c.started != nil {
		c.started(l, dir)
	}
	return nil
}

// browserEnv is the browser's whole environment: a PATH, and its profile as HOME
// and XDG directories, which it must be able to write.
func browserEnv(dir string) []string {
	env := []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "XDG_CACHE_HOME=" + dir}
	for _, k := range []string{"LANG", "TZ"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func (c *Chrome) logger() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (c *Chrome) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// RenderPDF loads pageURL in a new tab, waits for its fonts and prints it on the
// page size its stylesheet asks for (A4).
func (c *Chrome) RenderPDF(ctx context.Context, pageURL string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: wait for a tab: %w", ctx.Err())
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
		return nil, fmt.Errorf("pdf: print %s: %w", pageURL, err)
	}
	return pdf, nil
}

// Close stops the browser and removes its profile directory.
func (c *Chrome) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeLocked()
}

func (c *Chrome) closeLocked() error {
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

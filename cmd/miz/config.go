package main

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is every setting of `miz serve` (and of the operator commands that open the
// same database). Each field is a flag, an environment variable MIZ_<ENV>, and a key in
// the --config YAML file; secret fields may also come from MIZ_<ENV>_FILE. Precedence:
// defaults < config file < environment < flags.
type Config struct {
	Addr     string        `flag:"addr" env:"ADDR" yaml:"addr" help:"listen address"`
	Data     string        `flag:"data" env:"DATA" yaml:"data" help:"data directory (SQLite file, documents, keys)"`
	DB       string        `flag:"db" env:"DB" yaml:"db" secret:"true" help:"database URL (empty: SQLite in --data; postgres://… for PostgreSQL)"`
	Demo     bool          `flag:"demo" env:"DEMO" yaml:"demo" help:"seed demo organisations, people and accounts (never in production)"`
	BaseURL  string        `flag:"base-url" env:"BASE_URL" yaml:"base_url" help:"public URL of this desk (links in e-mails, QR codes)"`
	TLSCert  string        `flag:"tls-cert" env:"TLS_CERT" yaml:"tls_cert" help:"TLS certificate file (serve HTTPS)"`
	TLSKey   string        `flag:"tls-key" env:"TLS_KEY" yaml:"tls_key" secret:"true" help:"TLS key file"`
	Secure   bool          `flag:"secure-cookies" env:"SECURE_COOKIES" yaml:"secure_cookies" help:"mark cookies Secure (behind a TLS proxy)"`
	LogLevel string        `flag:"log-level" env:"LOG_LEVEL" yaml:"log_level" help:"debug, info, warn or error"`
	Session  time.Duration `flag:"session-ttl" env:"SESSION_TTL" yaml:"session_ttl" help:"browser session lifetime"`
	APIToken time.Duration `flag:"api-token-ttl" env:"API_TOKEN_TTL" yaml:"api_token_ttl" help:"API login token lifetime"`

	SMTPAddr     string `flag:"smtp-addr" env:"SMTP_ADDR" yaml:"smtp_addr" help:"SMTP server host:port (empty: e-mail is kept in the outbox)"`
	SMTPUser     string `flag:"smtp-user" env:"SMTP_USER" yaml:"smtp_user" help:"SMTP user"`
	SMTPPassword string `flag:"smtp-password" env:"SMTP_PASSWORD" yaml:"smtp_password" secret:"true" help:"SMTP password"`
	SMTPFrom     string `flag:"smtp-from" env:"SMTP_FROM" yaml:"smtp_from" help:"From address"`
	SMSURL       string `flag:"sms-url" env:"SMS_URL" yaml:"sms_url" help:"HTTP SMS gateway URL"`
	SMSToken     string `flag:"sms-token" env:"SMS_TOKEN" yaml:"sms_token" secret:"true" help:"SMS gateway bearer token"`

	OIDCIssuer       string `flag:"oidc-issuer" env:"OIDC_ISSUER" yaml:"oidc_issuer" help:"OpenID Connect issuer URL (enables SSO)"`
	OIDCClientID     string `flag:"oidc-client-id" env:"OIDC_CLIENT_ID" yaml:"oidc_client_id" help:"OIDC client ID"`
	OIDCClientSecret string `flag:"oidc-client-secret" env:"OIDC_CLIENT_SECRET" yaml:"oidc_client_secret" secret:"true" help:"OIDC client secret"`

	S3Endpoint  string `flag:"s3-endpoint" env:"S3_ENDPOINT" yaml:"s3_endpoint" help:"S3-compatible document store endpoint (empty: local disk)"`
	S3Bucket    string `flag:"s3-bucket" env:"S3_BUCKET" yaml:"s3_bucket" help:"S3 bucket"`
	S3AccessKey string `flag:"s3-access-key" env:"S3_ACCESS_KEY" yaml:"s3_access_key" help:"S3 access key"`
	S3SecretKey string `flag:"s3-secret-key" env:"S3_SECRET_KEY" yaml:"s3_secret_key" secret:"true" help:"S3 secret key"`
	ClamdAddr   string `flag:"clamd-addr" env:"CLAMD_ADDR" yaml:"clamd_addr" help:"ClamAV daemon host:port for upload scanning (optional)"`

	TrustedProxies string        `flag:"trusted-proxies" env:"TRUSTED_PROXIES" yaml:"trusted_proxies" help:"comma-separated CIDRs of reverse proxies whose X-Forwarded-For/Forwarded headers are believed"`
	IdleTimeout    time.Duration `flag:"idle-timeout" env:"IDLE_TIMEOUT" yaml:"idle_timeout" help:"a staff browser session ends after this long without a request"`
	TOTPKey        string        `flag:"totp-key" env:"TOTP_KEY" yaml:"totp_key" secret:"true" help:"base64 32-byte key that encrypts TOTP secrets at rest (empty: keys/totp.key in --data, made on first start)"`
	MetricsAddr    string        `flag:"metrics-addr" env:"METRICS_ADDR" yaml:"metrics_addr" help:"serve /metrics on this separate listener (e.g. 127.0.0.1:9090) instead of the public one"`
	MetricsToken   string        `flag:"metrics-token" env:"METRICS_TOKEN" yaml:"metrics_token" secret:"true" help:"bearer token that may read /metrics on the public listener"`
	CertFeedWatch  string        `flag:"cert-feed-watch" env:"CERT_FEED_WATCH" yaml:"cert_feed_watch" help:"directory polled for threat-feed files to import (empty: none)"`
	AuditAnchor    time.Duration `flag:"audit-anchor-every" env:"AUDIT_ANCHOR_EVERY" yaml:"audit_anchor_every" help:"how often the audit chain's head is signed and anchored"`
	SMTPRequireTLS bool          `flag:"smtp-require-tls" env:"SMTP_REQUIRE_TLS" yaml:"smtp_require_tls" help:"refuse to send e-mail unless the SMTP server offers STARTTLS or TLS"`

	LogFormat            string        `flag:"log-format" env:"LOG_FORMAT" yaml:"log_format" help:"text or json (one JSON object a line, with request_id)"`
	ShutdownGrace        time.Duration `flag:"shutdown-grace" env:"SHUTDOWN_GRACE" yaml:"shutdown_grace" help:"on SIGTERM, how long requests and running jobs may take to finish before the process exits"`
	BackupDir            string        `flag:"backup-dir" env:"BACKUP_DIR" yaml:"backup_dir" help:"take a backup into this directory (or s3://BUCKET/PREFIX) every --backup-every, keep --backup-keep of them, and drill the newest (empty: no scheduled backups)"`
	BackupEvery          time.Duration `flag:"backup-every" env:"BACKUP_EVERY" yaml:"backup_every" help:"how often the scheduled backup runs"`
	BackupKeep           int           `flag:"backup-keep" env:"BACKUP_KEEP" yaml:"backup_keep" help:"how many scheduled backups to keep"`
	BackupS3Endpoint     string        `flag:"backup-s3-endpoint" env:"BACKUP_S3_ENDPOINT" yaml:"backup_s3_endpoint" help:"S3 endpoint for backups to s3://BUCKET/PREFIX (empty: the document store's --s3-endpoint)"`
	BackupS3AccessKey    string        `flag:"backup-s3-access-key" env:"BACKUP_S3_ACCESS_KEY" yaml:"backup_s3_access_key" help:"S3 access key for backups (empty: --s3-access-key)"`
	BackupS3SecretKey    string        `flag:"backup-s3-secret-key" env:"BACKUP_S3_SECRET_KEY" yaml:"backup_s3_secret_key" secret:"true" help:"S3 secret key for backups (empty: --s3-secret-key)"`
	VATRate              string        `flag:"vat-rate" env:"VAT_RATE" yaml:"vat_rate" help:"VAT on invoices in percent, e.g. 10 or 9.5 (§6)"`
	PaymentGatewayURL    string        `flag:"payment-gateway-url" env:"PAYMENT_GATEWAY_URL" yaml:"payment_gateway_url" help:"payment page of the payment gateway (empty: payers pay by bank transfer only)"`
	NetHTTPOnly          bool          `flag:"net-http-only" env:"NET_HTTP_ONLY" yaml:"net_http_only" help:"answer every request with net/http, also the registry lookups the front answers from memory (issue 18)"`
	PaymentGatewaySecret string        `flag:"payment-gateway-secret" env:"PAYMENT_GATEWAY_SECRET" yaml:"payment_gateway_secret" secret:"true" help:"key shared with the payment gateway that signs its callbacks (HMAC-SHA256)"`
}

func defaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", Data: "./miz-data", LogLevel: "info",
		Session: 12 * time.Hour, APIToken: 24 * time.Hour, SMTPFrom: "miz@ito.gov.ir",
		IdleTimeout: 30 * time.Minute, AuditAnchor: time.Hour, VATRate: "10",
		LogFormat: "text", ShutdownGrace: 15 * time.Second, BackupEvery: 24 * time.Hour, BackupKeep: 14}
}

// loadConfig builds the configuration for a subcommand from its arguments and env.
func loadConfig(name string, args []string, getenv func(string) string) (Config, *flag.FlagSet, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	configFile := fs.String("config", getenv("MIZ_CONFIG"), "YAML configuration file")
	v := reflect.ValueOf(&cfg).Elem()
	t := v.Type()
	// Flags are parsed into a shadow copy first so that file and env can be applied
	// underneath them.
	set := map[string]bool{}
	shadow := defaultConfig()
	sv := reflect.ValueOf(&shadow).Elem()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch p := sv.Field(i).Addr().Interface().(type) {
		case *string:
			fs.StringVar(p, f.Tag.Get("flag"), *p, f.Tag.Get("help"))
		case *bool:
			fs.BoolVar(p, f.Tag.Get("flag"), *p, f.Tag.Get("help"))
		case *time.Duration:
			fs.DurationVar(p, f.Tag.Get("flag"), *p, f.Tag.Get("help"))
		case *int:
			fs.IntVar(p, f.Tag.Get("flag"), *p, f.Tag.Get("help"))
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, fs, err
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *configFile != "" {
		b, err := os.ReadFile(*configFile)
		if err != nil {
			return cfg, fs, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return cfg, fs, fmt.Errorf("config %s: %w", *configFile, err)
		}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		env := "MIZ_" + f.Tag.Get("env")
		val, ok := getenv(env), getenv(env) != ""
		if !ok && f.Tag.Get("secret") == "true" {
			if file := getenv(env + "_FILE"); file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return cfg, fs, fmt.Errorf("config: %s_FILE: %w", env, err)
				}
				val, ok = strings.TrimRight(string(b), "\r\n"), true
			}
		}
		if ok {
			if err := setField(v.Field(i), val); err != nil {
				return cfg, fs, fmt.Errorf("config: %s: %w", env, err)
			}
		}
		if set[f.Tag.Get("flag")] {
			v.Field(i).Set(sv.Field(i))
		}
	}
	return cfg, fs, nil
}

func setField(f reflect.Value, s string) error {
	switch f.Interface().(type) {
	case string:
		f.SetString(s)
	case bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case time.Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
	case int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		f.SetInt(int64(n))
	}
	return nil
}

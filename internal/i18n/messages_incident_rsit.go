package i18n

// addRSIT adds the RSIT reference taxonomy's classes and types, in words (never their
// ids), to the incident desk's table of language l.
func addRSIT(table map[string]string, l Lang) {
	for k, v := range map[string][2]string{
		"cert.rsit.class.abusive-content":                      {"محتوای سوءاستفاده‌آمیز", "Abusive content"},
		"cert.rsit.class.malicious-code":                       {"کد مخرب", "Malicious code"},
		"cert.rsit.class.information-gathering":                {"گردآوری اطلاعات", "Information gathering"},
		"cert.rsit.class.intrusion-attempts":                   {"تلاش برای نفوذ", "Intrusion attempts"},
		"cert.rsit.class.intrusions":                           {"نفوذ", "Intrusions"},
		"cert.rsit.class.availability":                         {"دسترس‌پذیری", "Availability"},
		"cert.rsit.class.information-content-security":         {"امنیت محتوای اطلاعات", "Information content security"},
		"cert.rsit.class.fraud":                                {"کلاهبرداری", "Fraud"},
		"cert.rsit.class.vulnerable":                           {"آسیب‌پذیر", "Vulnerable"},
		"cert.rsit.class.other":                                {"سایر", "Other"},
		"cert.rsit.class.test":                                 {"آزمایشی", "Test"},
		"cert.rsit.type.spam":                                  {"هرزنامه", "Spam"},
		"cert.rsit.type.harmful-speech":                        {"سخن آسیب‌زا", "Harmful speech"},
		"cert.rsit.type.violence":                              {"خشونت", "Child sexual exploitation, sexual content, violence"},
		"cert.rsit.type.infected-system":                       {"سامانه آلوده", "Infected system"},
		"cert.rsit.type.c2-server":                             {"کارگزار فرمان و کنترل (C2)", "Command-and-control server"},
		"cert.rsit.type.malware-distribution":                  {"توزیع بدافزار", "Malware distribution"},
		"cert.rsit.type.malware-configuration":                 {"پیکربندی بدافزار", "Malware configuration"},
		"cert.rsit.type.scanner":                               {"پویش", "Scanning"},
		"cert.rsit.type.sniffing":                              {"شنود", "Sniffing"},
		"cert.rsit.type.social-engineering":                    {"مهندسی اجتماعی", "Social engineering"},
		"cert.rsit.type.ids-alert":                             {"هشدار سامانه تشخیص نفوذ", "IDS alert"},
		"cert.rsit.type.brute-force":                           {"حدس گذرواژه (Brute force)", "Login attempts (brute force)"},
		"cert.rsit.type.exploit":                               {"بهره‌برداری از آسیب‌پذیری", "Exploitation of a vulnerability"},
		"cert.rsit.type.privileged-account-compromise":         {"نفوذ به حساب ممتاز", "Privileged account compromise"},
		"cert.rsit.type.unprivileged-account-compromise":       {"نفوذ به حساب عادی", "Unprivileged account compromise"},
		"cert.rsit.type.application-compromise":                {"نفوذ به برنامه کاربردی", "Application compromise"},
		"cert.rsit.type.system-compromise":                     {"نفوذ به سامانه", "System compromise"},
		"cert.rsit.type.burglary":                              {"سرقت فیزیکی", "Burglary"},
		"cert.rsit.type.dos":                                   {"حمله منع خدمت (DoS)", "Denial of service"},
		"cert.rsit.type.ddos":                                  {"حمله منع خدمت توزیع‌شده (DDoS)", "Distributed denial of service"},
		"cert.rsit.type.misconfiguration":                      {"پیکربندی نادرست", "Misconfiguration"},
		"cert.rsit.type.sabotage":                              {"خرابکاری", "Sabotage"},
		"cert.rsit.type.outage":                                {"قطعی بدون سوءنیت", "Outage (no malice)"},
		"cert.rsit.type.unauthorised-information-access":       {"دسترسی غیرمجاز به اطلاعات", "Unauthorised access to information"},
		"cert.rsit.type.unauthorised-information-modification": {"تغییر غیرمجاز اطلاعات", "Unauthorised modification of information"},
		"cert.rsit.type.data-loss":                             {"از دست رفتن داده", "Data loss"},
		"cert.rsit.type.data-leak":                             {"نشت داده", "Leak of confidential information"},
		"cert.rsit.type.unauthorised-use-of-resources":         {"استفاده غیرمجاز از منابع", "Unauthorised use of resources"},
		"cert.rsit.type.copyright":                             {"نقض حق نشر", "Copyright"},
		"cert.rsit.type.masquerade":                            {"جعل هویت", "Masquerade"},
		"cert.rsit.type.phishing":                              {"فیشینگ", "Phishing"},
		"cert.rsit.type.weak-crypto":                           {"رمزنگاری ضعیف", "Weak cryptography"},
		"cert.rsit.type.ddos-amplifier":                        {"تقویت‌کننده DDoS", "DDoS amplifier"},
		"cert.rsit.type.potentially-unwanted-accessible":       {"سرویس ناخواسته در دسترس", "Potentially unwanted accessible service"},
		"cert.rsit.type.information-disclosure":                {"افشای اطلاعات", "Information disclosure"},
		"cert.rsit.type.vulnerable-system":                     {"سامانه آسیب‌پذیر", "Vulnerable system"},
		"cert.rsit.type.other":                                 {"سایر", "Other"},
		"cert.rsit.type.undetermined":                          {"نامعلوم", "Undetermined"},
		"cert.rsit.type.test":                                  {"آزمایشی", "Test"},
	} {
		if l == En {
			table[k] = v[1]
		} else {
			table[k] = v[0]
		}
	}
}

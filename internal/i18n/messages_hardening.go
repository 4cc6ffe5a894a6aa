package i18n

// hardeningFa is the Persian text of request hygiene, redirects and headers.
var hardeningFa = map[string]string{}

// hardeningEn is the English text of request hygiene, redirects and headers.
var hardeningEn = map[string]string{}

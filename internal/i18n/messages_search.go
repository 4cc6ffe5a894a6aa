package i18n

// Registry search text (issue 18).
func searchFa() map[string]string {
	return map[string]string{
		"search.registry.count_more": "بیش از %d گواهی",
	}
}

func searchEn() map[string]string {
	return map[string]string{
		"search.registry.count_more": "More than %d certificates",
	}
}

package catalog

import (
	"embed"
	"fmt"
)

//go:embed services/certify.yaml services/cert.yaml
var defaultFiles embed.FS

//go:embed schema/service.schema.json
var schemaJSON []byte

// Defaults parses and returns the services shipped with Miz, CERTIFY and
// CERT, in that order. Each call returns fresh copies.
func Defaults() ([]*Service, error) {
	var out []*Service
	for _, name := range []string{"services/certify.yaml", "services/cert.yaml"} {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("catalog: defaults: %w", err)
		}
		s, err := Parse(name, data)
		if err != nil {
			return nil, fmt.Errorf("catalog: defaults: %w", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Schema returns the JSON Schema (draft 2020-12) of a service file, for
// editors and for other tools; Parse remains the authority.
func Schema() []byte {
	return append([]byte(nil), schemaJSON...)
}

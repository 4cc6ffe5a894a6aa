package catalog

import "fmt"

// Source is the text of one service file, as an editor wrote it (comments kept).
type Source struct {
	Name string
	Data []byte
}

// DefaultSources returns the text of the services shipped with Miz, CERTIFY and
// CERT, in the order of Defaults, so that a catalog store can keep them as the
// first published version of each service with their comments intact.
func DefaultSources() ([]Source, error) {
	var out []Source
	for _, name := range []string{"services/certify.yaml", "services/cert.yaml"} {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("catalog: default sources: %w", err)
		}
		out = append(out, Source{Name: name, Data: data})
	}
	return out, nil
}

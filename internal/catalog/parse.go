package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds a service file; real ones are a few tens of kilobytes.
const maxFileSize = 1 << 20

// maxNodes bounds the YAML nodes of one service file. The two real services have
// about 2,500; a file with hundreds of thousands of keys would only make the YAML
// decoder's duplicate-key checks (quadratic) and the problem list slow for nothing.
const maxNodes = 50_000

// maxProblems bounds the problems reported for one file.
const maxProblems = 200

// Parse reads one service from data, strictly: unknown fields, wrong shapes
// and every rule of FORMAT.md are problems. name is the file name used in
// the problems. On failure the error is a *ValidationError listing every
// problem found, each with its line.
//
// A successful Parse fills in what a case kind inherits from its service
// (delivery time, SLA policy) and the policy's defaults.
func Parse(name string, data []byte) (svc *Service, err error) {
	c := newChecker(name)
	defer func() {
		// yaml.v3 is not ours; a panic inside it must not take a server down.
		if r := recover(); r != nil {
			svc = nil
			c.addLine(0, "cannot read YAML: %v", r)
			err = c.err()
		}
	}()
	if len(data) > maxFileSize {
		c.addLine(0, "file is larger than %d bytes", maxFileSize)
		return nil, c.err()
	}
	root, ok := readNode(c, data)
	if !ok {
		return nil, c.err()
	}
	if n := countNodes(root, maxNodes+1); n > maxNodes {
		c.addLine(0, "file has more than %d YAML entries; a service file is far smaller", maxNodes)
		return nil, c.err()
	}
	c.idx[""] = root.Line
	indexNode(c.idx, root, "")

	var s Service
	if err := decodeService(root, data, &s); err != nil { // known_fields.go
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			c.addYAML(err.Error())
			return nil, c.err()
		}
		for _, m := range te.Errors {
			c.addYAML(m)
		}
	}
	validateService(c, &s)
	if err := c.err(); err != nil {
		return nil, err
	}
	s.inherit()
	return &s, nil
}

// decodeStrict decodes the first document of data into s, every mapping key having
// to name a field.
func decodeStrict(data []byte, s *Service) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(s)
}

// readNode parses the YAML syntax and returns the top mapping of the one
// document the file must hold.
func readNode(c *checker, data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			c.addLine(0, "file is empty")
		} else {
			c.addYAML(err.Error())
		}
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.addLine(extra.Line, "a file holds one service, but a second YAML document starts here")
	} else if !errors.Is(err, io.EOF) {
		c.addYAML(err.Error())
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		c.addLine(root.Line, "want a mapping of service fields at the top of the file")
		return nil, false
	}
	return root, len(c.problems) == 0
}

// indexNode records the line of every field and list item under n. Aliases
// are not followed: their values point at the anchor's lines.
func indexNode(idx map[string]int, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			if _, dup := idx[p]; !dup {
				idx[p] = n.Content[i].Line
			}
			indexNode(idx, n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			idx[p] = item.Line
			indexNode(idx, item, p)
		}
	}
}

// inherit copies into every case kind what it leaves to its service, and
// fills in the SLA policy's defaults (SLA-CLOCK rules 3 and 7).
func (s *Service) inherit() {
	s.SLA = s.SLA.withDefaults(SLAPolicy{OnResubmit: ResubmitResume, Warnings: []float64{0.75, 0.9}})
	for i := range s.CaseKinds {
		k := &s.CaseKinds[i]
		if k.DeliveryTime.Maximum.IsZero() {
			k.DeliveryTime = s.DeliveryTime
		}
		k.SLA = k.SLA.withDefaults(s.SLA)
	}
}

func (p SLAPolicy) withDefaults(d SLAPolicy) SLAPolicy {
	if p.OnResubmit == "" {
		p.OnResubmit = d.OnResubmit
	}
	if len(p.Warnings) == 0 {
		p.Warnings = append([]float64(nil), d.Warnings...)
	}
	return p
}

// countNodes counts the nodes under n, stopping once limit is reached.
func countNodes(n *yaml.Node, limit int) int {
	count := 1
	for _, child := range n.Content {
		if count >= limit {
			break
		}
		count += countNodes(child, limit-count)
	}
	return count
}

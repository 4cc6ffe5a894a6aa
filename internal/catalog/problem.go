package catalog

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Problem is one thing wrong with a service file.
type Problem struct {
	File string
	// Line is 1-based; 0 means the problem concerns the file as a whole.
	Line    int
	Message string
}

// String formats the problem as file:line: message, as compilers do.
func (p Problem) String() string {
	if p.Line <= 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// ValidationError lists every problem Parse found in a file, in line order.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// checker collects problems while Parse walks a file. idx maps a field path
// such as "case_kinds[0].process.initial" to the line it sits on.
type checker struct {
	file string
	idx  map[string]int
	// decoded holds the lines yaml.v3 already complained about; a semantic
	// complaint about the same line would only repeat it.
	decoded  map[int]bool
	problems []Problem
}

func newChecker(file string) *checker {
	return &checker{file: file, idx: map[string]int{}, decoded: map[int]bool{}}
}

// addLine records a problem at a known line.
func (c *checker) addLine(line int, format string, args ...any) {
	switch {
	case len(c.problems) < maxProblems:
		c.problems = append(c.problems, Problem{File: c.file, Line: line, Message: fmt.Sprintf(format, args...)})
	case len(c.problems) == maxProblems:
		c.problems = append(c.problems, Problem{File: c.file, Line: 0, Message: fmt.Sprintf("more than %d problems; fix these first", maxProblems)})
	}
}

// at records a problem about the field at path, prefixed with the path so
// that the message makes sense without the file open.
func (c *checker) at(path, format string, args ...any) {
	line := c.line(path)
	if c.decoded[line] {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	c.addLine(line, "%s", msg)
}

// has reports whether the file spells out the field at path.
func (c *checker) has(path string) bool {
	_, ok := c.idx[path]
	return ok
}

// line finds the line of path, or of its nearest ancestor present in the file.
func (c *checker) line(path string) int {
	for {
		if l, ok := c.idx[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return c.idx[""]
		}
		path = path[:i]
	}
}

// err returns the collected problems as a *ValidationError, or nil.
func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
	return &ValidationError{Problems: c.problems}
}

var (
	yamlLine     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`) })
	unknownField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^field (.+) not found in type \S+$`) })
	wrongShape   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$") })
	dupKey       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`) })
)

// addYAML turns one message of yaml.v3 into a problem with a plain wording.
func (c *checker) addYAML(msg string) {
	if len(c.problems) > maxProblems {
		return
	}
	msg = strings.TrimPrefix(strings.TrimSpace(msg), "yaml: ")
	m := yamlLine().FindStringSubmatch(msg)
	if m == nil {
		c.addLine(0, "%s", msg)
		return
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	if f := unknownField().FindStringSubmatch(text); f != nil {
		text = fmt.Sprintf("unknown field %q", f[1])
	} else if f := wrongShape().FindStringSubmatch(text); f != nil {
		text = fmt.Sprintf("want %s, got %s %q", goShape(f[3]), yamlShape(f[1]), f[2])
	} else if f := dupKey().FindStringSubmatch(text); f != nil {
		text = fmt.Sprintf("field %q given twice (first at line %s)", f[1], f[2])
	}
	c.decoded[line] = true
	c.addLine(line, "%s", text)
}

func goShape(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "catalog."):
		return "a mapping"
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "text"
	}
	return t
}

func yamlShape(tag string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	}
	return "the value"
}

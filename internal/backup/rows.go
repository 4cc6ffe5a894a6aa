package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// quoteIdent quotes a table or column name for either dialect.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// selectAll reads a table in a canonical order that both dialects agree on: by primary
// key (or by every column when there is none), text in byte order, NULLs first.
func selectAll(d store.Dialect, t table) string {
	cols := make([]string, len(t.Columns))
	kinds := map[string]Kind{}
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name)
		kinds[c.Name] = c.Kind
	}
	order := t.Key
	if len(order) == 0 {
		order = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			order[i] = c.Name
		}
	}
	terms := make([]string, len(order))
	for i, name := range order {
		terms[i] = quoteIdent(name)
		if d == store.Postgres && kinds[name] == KindText {
			terms[i] += ` COLLATE "C"`
		}
		terms[i] += " NULLS FIRST"
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(t.Name) + " ORDER BY " + strings.Join(terms, ", ")
}

// dumpTable writes every row of t as one JSON line to w and returns the row count.
func dumpTable(ctx context.Context, tx *store.Tx, t table, w io.Writer) (int64, error) {
	rows, err := tx.Query(ctx, selectAll(tx.Dialect, t))
	if err != nil {
		return 0, fmt.Errorf("backup: read %s: %w", t.Name, err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var line bytes.Buffer
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("backup: read %s: %w", t.Name, err)
		}
		line.Reset()
		if err := encodeRow(&line, t.Columns, vals); err != nil {
			return n, fmt.Errorf("backup: read %s row %d: %w", t.Name, n+1, err)
		}
		if _, err := bw.Write(line.Bytes()); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("backup: read %s: %w", t.Name, err)
	}
	return n, bw.Flush()
}

// encodeRow appends one row as a JSON object with its keys in column (name) order and
// a newline; the same values always give the same bytes, whichever dialect read them.
func encodeRow(b *bytes.Buffer, cols []Column, vals []any) error {
	b.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(c.Name)
		b.Write(name)
		b.WriteByte(':')
		v, err := normalize(c.Kind, vals[i])
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		switch v := v.(type) {
		case nil:
			b.WriteString("null")
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("column %s: %v cannot be archived", c.Name, v)
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		case bool:
			b.WriteString(strconv.FormatBool(v))
		case string:
			s, _ := json.Marshal(v)
			b.Write(s)
		case []byte:
			b.WriteByte('"')
			b.WriteString(base64.StdEncoding.EncodeToString(v))
			b.WriteByte('"')
		}
	}
	b.WriteString("}\n")
	return nil
}

// normalize turns what a driver returned for a column into the Go type of its kind:
// int64, float64, bool, string or []byte (or nil for NULL).
func normalize(k Kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case KindInt:
		switch v := v.(type) {
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		case int16:
			return int64(v), nil
		case int:
			return int64(v), nil
		case bool:
			return map[bool]int64{false: 0, true: 1}[v], nil
		case string:
			return strconv.ParseInt(v, 10, 64)
		}
	case KindFloat:
		switch v := v.(type) {
		case float64:
			return v, nil
		case float32:
			return float64(v), nil
		case int64:
			return float64(v), nil
		case string:
			return strconv.ParseFloat(v, 64)
		}
	case KindBool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			return v != 0, nil
		case string:
			return strconv.ParseBool(v)
		}
	case KindText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		}
	case KindBlob:
		switch v := v.(type) {
		case []byte:
			return bytes.Clone(v), nil
		case string:
			return []byte(v), nil
		}
	}
	return nil, fmt.Errorf("value of type %T does not fit a %s column", v, k)
}

// decodeRow parses one archived row into insert arguments in column order.
func decodeRow(line []byte, cols []Column) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if len(m) != len(cols) {
		return nil, fmt.Errorf("%d values for %d columns", len(m), len(cols))
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		raw, ok := m[c.Name]
		if !ok {
			return nil, fmt.Errorf("column %s missing", c.Name)
		}
		v, err := decodeValue(c.Kind, raw)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		args[i] = v
	}
	return args, nil
}

func decodeValue(k Kind, raw any) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch v := raw.(type) {
	case json.Number:
		if k == KindInt {
			return v.Int64()
		}
		if k == KindFloat {
			return v.Float64()
		}
	case bool:
		if k == KindBool {
			return v, nil
		}
	case string:
		if k == KindText {
			return v, nil
		}
		if k == KindBlob {
			return base64.StdEncoding.DecodeString(v)
		}
	}
	return nil, fmt.Errorf("value %v does not fit a %s column", raw, k)
}

package catalog

// DefaultUploadLimit bounds an upload's request body when no published service lists
// a document size.
const DefaultUploadLimit int64 = 256 << 20

// UploadLimit is the largest request body an upload may have under the services in
// force: the largest document any of them accepts, plus a megabyte for the form
// around it. Both adapters compute it per request from the current catalog, so a
// published change of a limit holds at once (issue 12).
func UploadLimit(svcs []*Service) int64 {
	var largest int64
	for _, s := range svcs {
		for _, d := range s.Documents {
			largest = max(largest, int64(d.MaxSize))
		}
	}
	if largest == 0 {
		return DefaultUploadLimit
	}
	return largest + 1<<20
}

package backup

import "testing"

// Issue 19: where a backup directory is taken, s3://BUCKET[/PREFIX] names a bucket.
func TestParseS3URL(t *testing.T) {
	for in, want := range map[string]struct {
		loc      S3Location
		isS3, ok bool
	}{
		"/var/backups/miz":        {S3Location{}, false, true},
		"s3://miz-backups":        {S3Location{Bucket: "miz-backups"}, true, true},
		"s3://miz-backups/desk1/": {S3Location{Bucket: "miz-backups", Prefix: "desk1/"}, true, true},
		"s3://miz-backups/a/b":    {S3Location{Bucket: "miz-backups", Prefix: "a/b/"}, true, true},
		"s3:///nobucket":          {S3Location{}, true, false},
	} {
		loc, isS3, err := ParseS3URL(in)
		if isS3 != want.isS3 || (err == nil) != want.ok || (err == nil && loc != want.loc) {
			t.Errorf("ParseS3URL(%q) = %+v, %v, %v; want %+v, %v, ok=%v", in, loc, isS3, err, want.loc, want.isS3, want.ok)
		}
	}
}

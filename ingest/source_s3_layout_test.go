package ingest

import (
	"testing"
	"time"
)

func TestParsePlace(t *testing.T) {
	for _, tc := range []struct {
		prefix  string
		want    s3Place
		invalid bool
	}{
		{prefix: "", want: s3Place{level: levelAbove}},
		{prefix: "trail/", want: s3Place{prefix: "trail/", level: levelAbove}},
		{prefix: "AWSLogs/", want: s3Place{prefix: "AWSLogs/", level: levelLogs}},
		{prefix: "a/b/AWSLogs/o-abc123/", want: s3Place{prefix: "a/b/AWSLogs/o-abc123/", level: levelOrg, delivery: "a/b"}},
		{prefix: "t/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/03/",
			want: s3Place{prefix: "t/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/03/", level: levelMonth, delivery: "t",
				account: "111122223333", region: "eu-west-1", stream: "t/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/", year: 2024, month: 3}},
		{prefix: "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=03/day=05/",
			want: s3Place{prefix: "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=03/day=05/",
				level: levelDay, account: "111122223333", region: "us-east-1",
				stream: "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/", year: 2024, month: 3, day: 5}},
		{prefix: "AWSLogs/123/", invalid: true},
		{prefix: "AWSLogs/111122223333/CloudTrail-Digest/", invalid: true},
		{prefix: "AWSLogs/111122223333/CloudTrail/us-east-1/2024/13/", invalid: true},
	} {
		got, err := parsePlace(tc.prefix)
		if tc.invalid {
			if err == nil {
				t.Errorf("%q: no error", tc.prefix)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q:\n got %+v (%v)\nwant %+v", tc.prefix, got, err, tc.want)
		}
	}
}

func TestParseS3URI(t *testing.T) {
	for uri, want := range map[string][2]string{
		"s3://logs":                 {"logs", ""},
		"s3://logs/":                {"logs", ""},
		"s3://logs/trail":           {"logs", "trail/"},
		"s3://logs/trail/AWSLogs/":  {"logs", "trail/AWSLogs/"},
		"s3:///nobucket":            {},
		"https://logs.s3.amazonaws": {},
	} {
		b, p, err := parseS3URI(uri)
		if (err != nil) != (want[0] == "") || [2]string{b, p} != want {
			t.Errorf("%s: %q %q %v", uri, b, p, err)
		}
	}
}

func TestDayRangeAdmits(t *testing.T) {
	r := dayRange{from: 20240228, to: 20240302}
	at := func(y, m, d int) s3Place {
		switch {
		case d > 0:
			return s3Place{level: levelDay, year: y, month: m, day: d}
		case m > 0:
			return s3Place{level: levelMonth, year: y, month: m}
		}
		return s3Place{level: levelYear, year: y}
	}
	for _, tc := range []struct {
		p    s3Place
		want bool
	}{
		{at(2023, 0, 0), false}, {at(2024, 0, 0), true}, {at(2025, 0, 0), false},
		{at(2024, 1, 0), false}, {at(2024, 2, 0), true}, {at(2024, 3, 0), true}, {at(2024, 4, 0), false},
		{at(2024, 2, 27), false}, {at(2024, 2, 28), true}, {at(2024, 3, 2), true}, {at(2024, 3, 3), false},
	} {
		if got := r.admits(tc.p); got != tc.want {
			t.Errorf("%+v: %v", tc.p, got)
		}
	}
	if open := (dayRange{}); !open.admits(at(1999, 1, 1)) {
		t.Error("an open range refuses a day")
	}
	if got := daysBefore(20240301, 1); got != 20240229 {
		t.Errorf("the day before 2024-03-01 is %d", got)
	}
}

// TestS3Stamp: the stamp tells a replaced object from the original even
// within the same second, and stays within that second.
func TestS3Stamp(t *testing.T) {
	lm := time.Date(2024, 3, 1, 10, 0, 5, 0, time.UTC)
	a, b := s3Stamp(lm, `"etag-a"`), s3Stamp(lm, `"etag-b"`)
	if a.Equal(b) || a.Truncate(time.Second) != lm || b.Truncate(time.Second) != lm {
		t.Errorf("stamps %v %v", a, b)
	}
	if !s3Stamp(lm, `"etag-a"`).Equal(a) {
		t.Error("the stamp is not stable")
	}
}

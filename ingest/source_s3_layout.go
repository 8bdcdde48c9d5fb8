package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// s3Level is how far down AWS's log layout a folder is:
// PREFIX/AWSLogs/[o-ORG/]ACCOUNT/SERVICE/REGION/YYYY/MM/DD/[HH/]NAME.
type s3Level uint8

const (
	levelAbove   s3Level = iota // in PREFIX, before AWSLogs/
	levelLogs                   // AWSLogs/: organisations and accounts
	levelOrg                    // AWSLogs/o-ORG/: accounts
	levelAccount                // services
	levelService                // Regions
	levelRegion                 // years: the root of a stream
	levelYear                   // months
	levelMonth                  // days
	levelDay                    // objects, possibly in hour folders
)

// s3Place is a folder of the layout and what its path says.
type s3Place struct {
	prefix string // ends with "/", or "" for the bucket's root
	level  s3Level
	// depth counts the folders descended into before AWSLogs/ was found.
	depth int
	// delivery is PREFIX, the part before AWSLogs/, without its slash.
	delivery         string
	account, region  string
	stream           string // the prefix of the Region folder
	year, month, day int
}

// s3Services are the service folders read; the others (CloudTrail-Digest,
// CloudTrail-Insight, elasticloadbalancing, ...) are not fetched at all.
var s3Services = map[string]bool{"CloudTrail": true, "vpcflowlogs": true, "GuardDuty": true}

// maxDepthAbove bounds the search for AWSLogs/ below the given prefix: a
// bucket may hold several deliveries (cloudtrail/AWSLogs/, flow/AWSLogs/),
// but a walk of a whole unrelated bucket would cost a request per folder.
const maxDepthAbove = 2

// parsePlace reads where a prefix stops in the layout.
func parsePlace(prefix string) (s3Place, error) {
	p := s3Place{prefix: prefix}
	segs := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	if prefix == "" {
		segs = nil
	}
	i := 0
	for i < len(segs) && segs[i] != "AWSLogs" {
		i++
	}
	if i == len(segs) {
		return p, nil
	}
	p.delivery = strings.Join(segs[:i], "/")
	p.level, p.prefix = levelLogs, strings.Join(segs[:i+1], "/")+"/"
	for _, seg := range segs[i+1:] {
		next, ok := p.child(seg)
		if !ok {
			return p, fmt.Errorf("%q in the prefix does not fit AWS's log layout (AWSLogs/[o-ORG/]ACCOUNT/SERVICE/REGION/YYYY/MM/DD/)", seg)
		}
		p = next
	}
	return p, nil
}

// child returns the place of the folder seg directly under p, and false
// when the layout has no such folder there. Hive-style folders
// (aws-account-id=1234..., year=2024) are read as their values.
func (p s3Place) child(seg string) (s3Place, bool) {
	c := p
	c.prefix = p.prefix + seg + "/"
	v := seg
	if _, after, ok := strings.Cut(seg, "="); ok {
		v = after
	}
	switch p.level {
	case levelAbove:
		if seg == "AWSLogs" {
			c.level, c.delivery = levelLogs, strings.TrimSuffix(p.prefix, "/")
			return c, true
		}
		c.depth++
		return c, c.depth <= maxDepthAbove
	case levelLogs:
		if strings.HasPrefix(seg, "o-") {
			c.level = levelOrg
			return c, true
		}
		c.level, c.account = levelAccount, v
		return c, isAccountID(v)
	case levelOrg:
		c.level, c.account = levelAccount, v
		return c, isAccountID(v)
	case levelAccount:
		c.level = levelService
		return c, s3Services[v]
	case levelService:
		c.level, c.region, c.stream = levelRegion, v, c.prefix
		return c, isRegionName(v)
	case levelRegion:
		c.level, c.year = levelYear, atoiN(v, 4)
		return c, c.year > 0
	case levelYear:
		c.level, c.month = levelMonth, atoiN(v, 2)
		return c, c.month >= 1 && c.month <= 12
	case levelMonth:
		c.level, c.day = levelDay, atoiN(v, 2)
		return c, c.day >= 1 && c.day <= 31
	}
	return c, true // below a day: hour folders and such
}

// atoiN reads a number of exactly n digits, or returns -1.
func atoiN(s string, n int) int {
	if len(s) != n {
		return -1
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return -1
	}
	return v
}

// isRegionName accepts us-east-1, eu-central-2, us-gov-west-1, cn-north-1.
func isRegionName(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return strings.Contains(s, "-")
}

// dayRange is an inclusive range of days as yyyymmdd; 0 leaves an end
// open.
type dayRange struct{ from, to int }

func yyyymmdd(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.UTC().Date()
	return y*10000 + int(m)*100 + d
}

// daysBefore returns the day n days before day (yyyymmdd).
func daysBefore(day, n int) int {
	t := time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, time.UTC)
	return yyyymmdd(t.AddDate(0, 0, -n))
}

// admits reports whether a folder at place p may hold days in r: a year
// folder is compared by year, a month folder by month, a day by day.
func (r dayRange) admits(p s3Place) bool {
	var v, scale int
	switch p.level {
	case levelYear:
		v, scale = p.year, 10000
	case levelMonth:
		v, scale = p.year*100+p.month, 100
	case levelDay:
		v, scale = p.year*10000+p.month*100+p.day, 1
	default:
		return true
	}
	return (r.from == 0 || v >= r.from/scale) && (r.to == 0 || v <= r.to/scale)
}

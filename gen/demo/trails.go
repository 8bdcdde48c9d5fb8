package demo

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// trail is a CloudTrail trail and what it delivers: the events of its
// accounts from from to until (both inclusive).
type trail struct {
	name     string
	accounts []string
	from     time.Time
	until    time.Time
}

func (t trail) delivers(e *event) bool {
	return slices.Contains(t.accounts, e.RecipientAccountID) && !e.when.Before(t.from) && !e.when.After(t.until)
}

// logObject is one delivered CloudTrail object.
type logObject struct {
	key          string // within the bucket
	body         []byte
	records      int
	oldest, last time.Time
}

// trails returns the two trails of the scenario. The organisation trail
// logs every account from its creation on; the account trail logs the
// member account until StopLogging, which it still delivers.
func trails(events []*event) []trail {
	created := func(name string) time.Time {
		for _, e := range events {
			if e.EventName == "CreateTrail" && e.RequestParameters.(params)["name"] == name {
				return e.when
			}
		}
		panic("demo: no CreateTrail for " + name)
	}
	return []trail{
		{
			name:     OrgTrailName,
			accounts: []string{MemberAccount, OrgAccount, OtherAccount},
			from:     created(OrgTrailName), until: HistoryEnd,
		},
		{
			name:     AccountTrailName,
			accounts: []string{MemberAccount},
			from:     created(AccountTrailName), until: StopLoggingTime,
		},
	}
}

// deliver groups what t logs into one object per account, Region and hour.
// Both trails share the marshalled bytes of an event, so the two copies
// of an event are identical, eventID and all.
func (t trail) deliver(events []*event, encoded [][]byte) []logObject {
	type slot struct {
		account, region string
		hour            time.Time
	}
	groups := map[slot][]int{}
	for i, e := range events {
		if t.delivers(e) {
			s := slot{e.RecipientAccountID, e.AWSRegion, e.when.Truncate(time.Hour)}
			groups[s] = append(groups[s], i)
		}
	}
	slots := make([]slot, 0, len(groups))
	for s := range groups {
		slots = append(slots, s)
	}
	slices.SortFunc(slots, func(a, b slot) int {
		return cmp.Or(a.hour.Compare(b.hour), cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	out := make([]logObject, 0, len(slots))
	for _, s := range slots {
		idx := groups[s]
		var body bytes.Buffer
		body.WriteString(`{"Records":[`)
		for n, i := range idx {
			if n > 0 {
				body.WriteByte(',')
			}
			body.Write(encoded[i])
		}
		body.WriteString("]}")
		oldest, newest := events[idx[0]].when, events[idx[len(idx)-1]].when
		// Delivered within minutes of the newest event, stamped inside its hour.
		stamp := newest.Truncate(5 * time.Minute).Add(5 * time.Minute)
		if latest := s.hour.Add(55 * time.Minute); stamp.After(latest) {
			stamp = latest
		}
		r := newRand("ct-name/"+t.name+"/"+s.account+"/"+s.region, uint64(s.hour.Unix()))
		key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
			s.account, s.region, stamp.Format("2006/01/02"), s.account, s.region, stamp.Format("20060102T1504Z"),
			pick(r, upper+lower+digits, 16))
		if t.name == OrgTrailName {
			key = "AWSLogs/" + OrgID + "/" + key[len("AWSLogs/"):]
		}
		out = append(out, logObject{key: key, body: body.Bytes(), records: len(idx), oldest: oldest, last: newest})
	}
	return out
}

// bucket is the trail's bucket folder.
func (t trail) bucket() string {
	if t.name == OrgTrailName {
		return OrgTrailBucket
	}
	return AccountTrailBucket
}

// digest is a CloudTrail digest file: hashes of the log files a trail
// delivered in one hour. gumshoe recognises and skips these; they are here
// so a synced bucket looks like a real one.
type digest struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string         `json:"newestEventTime"`
	OldestEventTime             *string         `json:"oldestEventTime"`
	PreviousDigestS3Bucket      string          `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      string          `json:"previousDigestS3Object"`
	PreviousDigestHashValue     string          `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm string          `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     string          `json:"previousDigestSignature"`
	LogFiles                    []digestLogFile `json:"logFiles"`
}

type digestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

const digestFingerprint = "6f0d2c1b9a8e7f6d5c4b3a2918e7d6c5"

func digestKey(end time.Time) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz",
		MemberAccount, Region, end.Format("2006/01/02"), MemberAccount, Region, AccountTrailName, Region,
		end.Format("20060102T150405Z"))
}

// signature stands in for the RSA signature that S3 metadata carries.
func signature(body []byte) string {
	var sig []byte
	for i := byte(0); len(sig) < 256; i++ {
		h := sha256.Sum256(append([]byte{i}, body...))
		sig = append(sig, h[:]...)
	}
	return hex.EncodeToString(sig)
}

// digests returns the account trail's digests for the hour before the
// incident and the incident hour, the second chained to the first.
func digests(logs []logObject) ([]logObject, error) {
	var out []logObject
	prevKey, prevBody := digestKey(IncidentHour.Add(-time.Hour)), []byte("{}")
	for _, start := range []time.Time{IncidentHour.Add(-time.Hour), IncidentHour} {
		end := start.Add(time.Hour)
		d := digest{
			AWSAccountID: MemberAccount, DigestStartTime: stamp(start), DigestEndTime: stamp(end),
			DigestS3Bucket: AccountTrailBucket, DigestS3Object: digestKey(end),
			DigestPublicKeyFingerprint: digestFingerprint, DigestSignatureAlgorithm: "SHA256withRSA",
			PreviousDigestS3Bucket: AccountTrailBucket, PreviousDigestS3Object: prevKey,
			PreviousDigestHashAlgorithm: "SHA-256", PreviousDigestSignature: signature(prevBody),
			LogFiles: []digestLogFile{},
		}
		h := sha256.Sum256(prevBody)
		d.PreviousDigestHashValue = hex.EncodeToString(h[:])
		var oldest, newest time.Time
		for _, o := range logs {
			if o.oldest.Before(start) || !o.oldest.Before(end) {
				continue
			}
			h := sha256.Sum256(o.body)
			d.LogFiles = append(d.LogFiles, digestLogFile{
				S3Bucket: AccountTrailBucket, S3Object: o.key, HashValue: hex.EncodeToString(h[:]), HashAlgorithm: "SHA-256",
				NewestEventTime: stamp(o.last), OldestEventTime: stamp(o.oldest),
			})
			if oldest.IsZero() || o.oldest.Before(oldest) {
				oldest = o.oldest
			}
			if o.last.After(newest) {
				newest = o.last
			}
		}
		if !oldest.IsZero() {
			o, n := stamp(oldest), stamp(newest)
			d.OldestEventTime, d.NewestEventTime = &o, &n
		}
		body, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		out = append(out, logObject{key: d.DigestS3Object, body: body})
		prevKey, prevBody = d.DigestS3Object, body
	}
	return out, nil
}

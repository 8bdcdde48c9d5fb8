package store

// NewestHour is the start (unix seconds) of the newest hour a finished
// delta's records fall in, for a source's lag: CloudTrail events and flow
// records by the hours they cover, findings by their last update or
// activity. It is zero for a delta without records.
func (d *Delta) NewestHour() int64 {
	var newest int64
	for k := range d.coverage {
		newest = max(newest, k.hour)
	}
	for i := range d.findings {
		f := &d.findings[i]
		for _, t := range []int64{f.UpdatedAt.Unix(), f.LastSeen.Unix()} {
			if t > 0 {
				newest = max(newest, hourOfUnix(t))
			}
		}
	}
	return newest
}

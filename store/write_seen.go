package store

// seenKey is a seen_in_day row before its count: an address or agent
// entity, the account it was seen in, the day.
type seenKey struct {
	entity  int64
	account string
	day     int64
}

// seenIn are a commit's seen_in_day rows (0008_coverage_rollups.sql),
// added up from the same hourly rows the commit writes.
type seenIn map[seenKey]int64

func (s seenIn) add(entity int64, account string, hour, n int64) {
	if entity == 0 || account == "" {
		return
	}
	s[seenKey{entity, account, dayOfUnix(hour)}] += n
}

func (t *txn) writeSeenIn(s seenIn) error {
	rows := make([][]int64, 0, len(s))
	for k, n := range s {
		account, err := t.strID(k.account)
		if err != nil {
			return err
		}
		rows = append(rows, []int64{k.entity, account, k.day, n})
	}
	return t.writeRows(t.rollupStmts.seenDay, rows)
}

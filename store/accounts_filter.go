package store

import (
	"strings"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// AccountFilter narrows reads to some accounts (12-digit ids) and Regions;
// an empty list keeps every account or every Region. It is the console's
// global filter: findings, the summary, the accounts page and the API and
// flow panels of profiles honour it.
type AccountFilter struct {
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
}

// Empty reports a filter that keeps everything.
func (f AccountFilter) Empty() bool { return len(f.Accounts) == 0 && len(f.Regions) == 0 }

// String is the filter as the console's prompt takes it.
func (f AccountFilter) String() string {
	var parts []string
	for _, a := range f.Accounts {
		parts = append(parts, "account:"+a)
	}
	for _, r := range f.Regions {
		parts = append(parts, "region:"+r)
	}
	return strings.Join(parts, " ")
}

// Keeps reports whether a row of account and Region passes. A row without
// a Region ("") passes a Region filter: the filter cannot judge it.
func (f AccountFilter) Keeps(account, region string) bool {
	return (len(f.Accounts) == 0 || contains(f.Accounts, account)) &&
		(len(f.Regions) == 0 || region == "" || contains(f.Regions, region))
}

// placeholders is "?, ?, ?" for n values, and the values as arguments.
func placeholders(values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}

// textCond is " AND col IN (...)" over text columns (finding, coverage).
func (f AccountFilter) textCond(accountCol, regionCol string) (string, []any) {
	var cond string
	var args []any
	if len(f.Accounts) > 0 && accountCol != "" {
		in, a := placeholders(f.Accounts)
		cond += ` AND ` + accountCol + ` IN (` + in + `)`
		args = append(args, a...)
	}
	if len(f.Regions) > 0 && regionCol != "" {
		in, a := placeholders(f.Regions)
		cond += ` AND ` + regionCol + ` IN (` + in + `)`
		args = append(args, a...)
	}
	return cond, args
}

// apiCond is " AND ..." on api_hour aliased alias: its account column holds
// account entity ids and its region column str ids.
func (f AccountFilter) apiCond(alias string) (string, []any) {
	var cond string
	var args []any
	if len(f.Accounts) > 0 {
		in, a := placeholders(f.Accounts)
		cond += ` AND ` + alias + `.account IN (SELECT id FROM entity WHERE kind = ? AND key IN (` + in + `))`
		args = append(append(args, int(graph.KindAccount)), a...)
	}
	if len(f.Regions) > 0 {
		in, a := placeholders(f.Regions)
		cond += ` AND ` + alias + `.region IN (SELECT id FROM str WHERE s IN (` + in + `))`
		args = append(args, a...)
	}
	return cond, args
}

// flowCond is " AND ..." on flow_hour aliased alias. Flow rows know their
// interface's account but no Region, so only accounts narrow them.
func (f AccountFilter) flowCond(alias string) (string, []any) {
	if len(f.Accounts) == 0 {
		return "", nil
	}
	in, a := placeholders(f.Accounts)
	return ` AND ` + alias + `.eni IN (SELECT id FROM entity WHERE kind = ? AND account IN (` + in + `))`,
		append([]any{int(graph.KindENI)}, a...)
}

// IsAccountID reports a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gumshoe-sec/gumshoe/graph"
)

// AccountName is an account as AWS Organizations lists it.
type AccountName struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	FetchedAt time.Time `json:"fetched_at"`
}

// SaveAccountNames records what one ListAccounts listing said, replacing
// what an earlier listing said of the same accounts. Accounts it no
// longer lists keep their last known name: an account that left the
// organisation is still the one its old logs name.
func (s *Store) SaveAccountNames(ctx context.Context, names []AccountName) error {
	if s.wdb == nil {
		return fmt.Errorf("%s: opened read-only", s.path)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO account_name (account, name, email, status, fetched_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET name = excluded.name,
		email = excluded.email, status = excluded.status, fetched_at = excluded.fetched_at`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, n := range names {
		if _, err := st.ExecContext(ctx, n.ID, n.Name, n.Email, n.Status, n.FetchedAt.Unix()); err != nil {
			return fmt.Errorf("account %s: %w", n.ID, err)
		}
	}
	return tx.Commit()
}

// AccountNames lists the names Organizations gave, by account id.
func (s *Store) AccountNames(ctx context.Context) ([]AccountName, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, name, email, status, fetched_at FROM account_name ORDER BY account`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AccountName{}
	for rows.Next() {
		var n AccountName
		var fetched int64
		if err := rows.Scan(&n.ID, &n.Name, &n.Email, &n.Status, &fetched); err != nil {
			return nil, err
		}
		n.FetchedAt = utc(fetched)
		out = append(out, n)
	}
	return out, rows.Err()
}

// accountName is one account's name, "" when Organizations never named it.
func (s *Store) accountName(ctx context.Context, account string) (string, error) {
	names, err := s.texts(ctx, `SELECT name FROM account_name WHERE account = ?`, account)
	if err != nil || len(names) == 0 {
		return "", err
	}
	return names[0], nil
}

// accountFacts adds an entity's account to its details, named when
// Organizations named it: "123456789012 (prod)"; an account's own profile
// gets its name, e-mail and status.
func (pc *profileContext) accountFacts(ctx context.Context, add func(string, string, *graph.Ref)) error {
	e := pc.e
	if e.kind == graph.KindAccount {
		n, err := pc.s.accountNameRow(ctx, e.key)
		if err != nil || n.ID == "" {
			return err
		}
		add("name", n.Name, nil)
		add("e-mail", n.Email, nil)
		add("status", n.Status+" (Organizations, "+n.FetchedAt.Format("2006-01-02 15:04")+" UTC)", nil)
		return nil
	}
	if e.account == "" {
		return nil
	}
	label := e.account
	name, err := pc.s.accountName(ctx, e.account)
	if name != "" {
		label += " (" + name + ")"
	}
	add("account", label, &graph.Ref{Kind: graph.KindAccount.String(), Key: e.account})
	return err
}

func (s *Store) accountNameRow(ctx context.Context, account string) (AccountName, error) {
	var n AccountName
	var fetched int64
	err := s.db.QueryRowContext(ctx, `SELECT account, name, email, status, fetched_at FROM account_name WHERE account = ?`,
		account).Scan(&n.ID, &n.Name, &n.Email, &n.Status, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return AccountName{}, nil
	}
	n.FetchedAt = utc(fetched)
	return n, err
}

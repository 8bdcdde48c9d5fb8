package graph

import (
	"net/netip"
	"regexp"
	"strings"
)

// Canonical keys. Every function here returns the one spelling of an
// entity's key that search, `gumshoe query` and the console use.

// UserKey is the key of IAM user name in account.
func UserKey(account, name string) string { return "arn:aws:iam::" + account + ":user/" + name }

// RootKey is the key of an account's root user.
func RootKey(account string) string { return "arn:aws:iam::" + account + ":root" }

// RoleKey is the key of a role: its ARN without a path, so that
// role/aws-reserved/sso.amazonaws.com/X and role/X are one role.
func RoleKey(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

// SessionKey is a role session's key: the role's unique id and the session name.
func SessionKey(roleID, sessionName string) string { return roleID + ":" + sessionName }

// SSOKey, SAMLKey, WebKey and FedKey are the keys of federated users.
func SSOKey(user string) string              { return "sso:" + user }
func SAMLKey(provider, user string) string   { return "saml:" + provider + ":" + user }
func WebKey(provider, subject string) string { return "web:" + provider + ":" + subject }
func FedKey(account, name string) string     { return "fed:" + account + ":" + name }
func unknownKey(account, name string) string { return "unknown:" + account + ":" + name }
func serviceEntity(name string) Entity       { return Entity{Kind: KindService, Key: name} }
func accountEntity(account string) Entity {
	return Entity{Kind: KindAccount, Key: account, Account: account}
}
func accessKeyEntity(id, account string) Entity {
	return Entity{Kind: KindAccessKey, Key: id, Account: account}
}

// ParseRoleARN splits an IAM role ARN (with or without a path) or an STS
// assumed-role ARN into account and role name.
func ParseRoleARN(arn string) (account, name string, ok bool) {
	// arn:aws:iam::123456789012:role/path/Name or arn:aws:sts::123456789012:assumed-role/Name/session
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", false
	}
	account, res := parts[4], parts[5]
	switch {
	case strings.HasPrefix(res, "role/"):
		res = res[len("role/"):]
		if i := strings.LastIndexByte(res, '/'); i >= 0 {
			res = res[i+1:]
		}
		return account, res, res != ""
	case strings.HasPrefix(res, "assumed-role/"):
		res = res[len("assumed-role/"):]
		if i := strings.IndexByte(res, '/'); i >= 0 {
			res = res[:i]
		}
		return account, res, res != ""
	}
	return "", "", false
}

// IsSSORole reports whether a role is an IAM Identity Center permission set
// role, whose sessions are named after the Identity Center user.
func IsSSORole(name string) bool { return strings.HasPrefix(name, "AWSReservedSSO_") }

var instanceIDPattern = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)

// IsInstanceID reports whether s is an EC2 instance id.
func IsInstanceID(s string) bool { return instanceIDPattern.MatchString(s) }

// samlProviderName returns NAME of arn:aws:iam::123456789012:saml-provider/NAME.
func samlProviderName(arn string) string {
	if i := strings.LastIndex(arn, "saml-provider/"); i >= 0 {
		return arn[i+len("saml-provider/"):]
	}
	return arn
}

// isIdentityCenterProvider reports whether a SAML provider is the one
// IAM Identity Center creates in every account it manages.
func isIdentityCenterProvider(name string) bool {
	return strings.HasPrefix(name, "AWSSSO_") && strings.HasSuffix(name, "_DO_NOT_DELETE")
}

// ParseSourceIP reads CloudTrail's sourceIPAddress: an address, or else the
// name of the AWS service that made the call ("ec2.amazonaws.com",
// "AWS Internal").
func ParseSourceIP(s string) (addr netip.Addr, service string) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), ""
	}
	return netip.Addr{}, s
}

// ShortName is the part of a key a person types to find it: a session's
// or federated user's name, a role's or user's name. Kinds whose key is
// already short have none.
func ShortName(k Kind, key string) string {
	switch k {
	case KindSession:
		if _, name, ok := strings.Cut(key, ":"); ok {
			return strings.ToLower(name)
		}
	case KindRole, KindUser:
		if i := strings.LastIndexAny(key, "/:"); i >= 0 {
			return strings.ToLower(key[i+1:])
		}
	case KindFederated:
		if i := strings.LastIndexByte(key, ':'); i >= 0 {
			return strings.ToLower(key[i+1:])
		}
	}
	return ""
}

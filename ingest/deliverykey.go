package ingest

import "strings"

// DeliveryKey is what an object key in AWS's log layout says:
// PREFIX/AWSLogs/[o-ORGID/]ACCOUNT/{CloudTrail,vpcflowlogs,GuardDuty,...}/REGION/YYYY/MM/DD/NAME
type DeliveryKey struct {
	// Delivery is PREFIX: the bucket and prefix a trail or flow log writes
	// to, which is what tells two trails' copies apart.
	Delivery string
	Org      string
	Account  string
	Service  string
	Region   string
}

// ParseDeliveryKey reads a slash-separated key. Keys outside the layout
// give a zero DeliveryKey.
func ParseDeliveryKey(key string) DeliveryKey {
	var k DeliveryKey
	i := strings.Index(key, "AWSLogs/")
	if i < 0 || (i > 0 && key[i-1] != '/') {
		return k
	}
	k.Delivery = strings.TrimSuffix(key[:i], "/")
	parts := strings.Split(key[i+len("AWSLogs/"):], "/")
	if len(parts) > 0 && strings.HasPrefix(parts[0], "o-") {
		k.Org, parts = parts[0], parts[1:]
	}
	if len(parts) >= 3 && isAccountID(parts[0]) {
		k.Account, k.Service, k.Region = parts[0], parts[1], parts[2]
	}
	if k.Delivery == "" {
		k.Delivery = "AWSLogs"
	}
	return k
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

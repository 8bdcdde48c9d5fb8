package ingest

import (
	"bytes"
	"os"
	"testing"
)

func TestZZWriteBench(t *testing.T) {
	if os.Getenv("ZZ_WRITE") == "" {
		t.Skip()
	}
	os.WriteFile("/tmp/ct10k.json", genCloudTrailObject(10000), 0o644)
}

func TestZZDecodeFile(t *testing.T) {
	data, err := os.ReadFile("/tmp/ct10k.json")
	if err != nil {
		t.Skip()
	}
	if os.Getenv("ZZ_DECODE") == "" {
		return
	}
	for range 3 {
		s := &countingSink{}
		DecodeCloudTrail(bytes.NewReader(data), 0, s)
	}
}

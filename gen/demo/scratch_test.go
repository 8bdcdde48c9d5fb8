package demo

import (
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	os.RemoveAll("/tmp/demo_scratch/out")
	s, err := Write("/tmp/demo_scratch/out")
	t.Logf("%+v %v", s, err)
}

package mmdbgen

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// write builds one database from places, the record of each made by
// record, and writes it to path through a temporary file.
func write(path, dbType string, places []Place, record func(Place) mmdbtype.Map) error {
	tree, err := newTree(dbType)
	if err != nil {
		return fmt.Errorf("mmdbgen: %s: %w", path, err)
	}
	for _, p := range places {
		r := record(p)
		if r == nil {
			continue
		}
		if err := tree.Insert(ipNet(p.Prefix), r); err != nil {
			return fmt.Errorf("mmdbgen: %s: insert %s: %w", path, p.Prefix, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("mmdbgen: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	w := bufio.NewWriter(tmp)
	_, err = tree.WriteTo(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("mmdbgen: write %s: %w", path, err)
	}
	return nil
}

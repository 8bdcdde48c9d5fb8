package ingest

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DirSource reads a file or every file below a folder, such as a synced
// copy of a log bucket.
type DirSource struct {
	root string
}

// NewDirSource returns a source for a file or folder path.
func NewDirSource(path string) (*DirSource, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	return &DirSource{root: abs}, nil
}

// Name is the source's absolute path.
func (d *DirSource) Name() string { return d.root }

// List walks the tree in lexical order. Hidden files and folders (a
// leading dot) are passed over: sync tools keep their state there.
func (d *DirSource) List(ctx context.Context) ([]Object, error) {
	var out []Object
	err := d.Stream(ctx, func(o Object) bool {
		out = append(out, o)
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].URI < out[j].URI })
	return out, err
}

// Stream passes the objects to each as the walk finds them (folder by
// folder, each in lexical order), so that a poll holds one object of a
// folder of two million at a time, not the folder. It stops when each
// returns false.
func (d *DirSource) Stream(ctx context.Context, each func(Object) bool) error {
	rootIsDir := false
	if st, err := os.Stat(d.root); err != nil {
		return fmt.Errorf("source %s: %w", d.root, err)
	} else {
		rootIsDir = st.IsDir()
	}
	err := filepath.WalkDir(d.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if path != d.root && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel := filepath.Base(path)
		if rootIsDir {
			rel, _ = filepath.Rel(d.root, path)
		}
		key := ParseDeliveryKey(filepath.ToSlash(rel))
		if key.Delivery == "" {
			key.Delivery = filepath.Base(filepath.Dir(path))
		}
		p := path
		if !each(Object{URI: "file://" + path, Size: info.Size(), ModTime: info.ModTime(),
			Delivery: key.Delivery, Region: key.Region, Account: key.Account,
			open: func() (io.ReadCloser, error) { return os.Open(p) }}) {
			return filepath.SkipAll
		}
		return nil
	})
	return err
}

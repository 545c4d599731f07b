//go:build linux

package search

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// residentShared is the process's resident memory that is file-backed
// (or shared), in bytes: RssFile and RssShmem, from /proc/self/statm.
func residentShared() int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[2], 10, 64)
	return pages * int64(os.Getpagesize())
}

// releaseMapped drops from this process's resident set the pages of the
// read-only file mappings under dir: Bleve's segments (and bbolt's file),
// which Bleve and bbolt read through mmap. The pages stay in the page
// cache, shared and reclaimable, as the files another engine reads with
// read(2) do; a later access maps them again without reading the disk.
// It returns how many bytes of mappings it released.
func releaseMapped(dir string) (int64, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	prefix := []byte(filepath.Clean(dir) + "/")
	var released int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		// start-end perms offset dev inode path
		i := bytes.IndexByte(line, '/')
		if i < 0 || !bytes.HasPrefix(line[i:], prefix) {
			continue
		}
		fields := strings.Fields(string(line[:i]))
		if len(fields) < 5 || len(fields[1]) < 2 || fields[1][0] != 'r' || fields[1][1] != '-' {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), unix.MADV_DONTNEED); errno != 0 {
			return released, errno
		}
		released += int64(end - start)
	}
	return released, sc.Err()
}

package logging

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/webos-engine/webos/application"
)

// openPTY returns both ends of a new pseudo-terminal, or skips the test
// where the sandbox has none.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { _ = master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { _ = tty.Close() })
	return master, tty
}

func TestTerminalIsTinted(t *testing.T) {
	master, tty := openPTY(t)
	ctx := application.WithMeta(context.Background(), application.Meta{RequestID: "r9"})
	New(tty, slog.LevelInfo).InfoContext(ctx, "hello")
	buf := make([]byte, 4096)
	n, err := master.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	out := buf[:n]
	if bytes.HasPrefix(out, []byte("{")) || !bytes.Contains(out, []byte("hello")) || !bytes.Contains(out, []byte("r9")) {
		t.Fatalf("want tinted text with the request id, got %q", out)
	}
}

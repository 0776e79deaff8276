package temporalserver_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"clearinghouse/embedded/temporalserver"
)

func TestScratchLeak(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	t.Logf("goroutines before %d", runtime.NumGoroutine())
	srv, err := temporalserver.Start(context.Background(), temporalserver.Options{
		Ephemeral: true, UIAddr: "127.0.0.1:0", SearchAttributes: attrTypes{stateAttr: keyword},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("ss", "-ltnp").CombinedOutput()
	t.Logf("listeners:\n%s", out)
	t.Logf("goroutines running %d", runtime.NumGoroutine())
	fe, ui := srv.FrontendAddress(), srv.UIAddress()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 15; i++ {
		t.Logf("%ds after stop: goroutines %d", i, runtime.NumGoroutine())
		time.Sleep(time.Second)
	}
	for _, a := range []string{fe, ui} {
		l, err := net.Listen("tcp", a)
		t.Logf("relisten %s: %v", a, err)
		if l != nil {
			l.Close()
		}
	}
	out, _ = exec.Command("ss", "-tanp").CombinedOutput()
	t.Logf("sockets after:\n%s", out)
	f, _ := os.Create("/tmp/goroutines.txt")
	pprof.Lookup("goroutine").WriteTo(f, 1)
	f.Close()
}
